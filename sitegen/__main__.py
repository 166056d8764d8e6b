from sitegen.cli import app

app(prog_name="atlasgen")
