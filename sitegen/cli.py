"""`atlasgen` command line: a thin doorway over the library.

Each command parses options, calls one library function, and turns `AtlasgenError` into its
one-line message on stderr and exit status 1. Heavy modules are imported inside commands so that
`atlasgen --help` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from sitegen.errors import AtlasgenError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn collection data ('who had what') into an interactive 2D atlas, as a static site.")

SpecArgs = Annotated[Optional[list[Path]], typer.Argument(
    help="Dataset spec files (datasets/<slug>.toml). Default: every *.toml in ./datasets.", show_default=False)]
CacheOpt = Annotated[Path, typer.Option("--cache", help="Folder for cached stage artifacts (safe to delete).")]
AllowOpt = Annotated[Optional[list[Path]], typer.Option(
    "--allow-path", help="A folder that spec data may also be read from (by default only the current folder and "
                         "the spec's own); repeatable.", show_default=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars; print only errors.")]


def _version(value: bool) -> None:
    if value:
        from sitegen import __version__

        typer.echo(f"atlasgen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the installed atlasgen version and exit.")] = False,
) -> None:
    """Turn collection data ('who had what') into an interactive 2D atlas, as a static site.

    Start in your own folder: `atlasgen init DATA.csv` writes datasets/NAME.toml, `atlasgen build`
    writes dist/, `atlasgen serve` previews it.
    """


def _fail(e: AtlasgenError) -> None:
    typer.echo(f"error: {e}", err=True)
    raise typer.Exit(1)


def _specs(specs: Optional[list[Path]]) -> list[Path]:
    if specs:
        return specs
    found = sorted(Path("datasets").glob("*.toml"))
    if not found:
        _fail(AtlasgenError("no spec given and no datasets/*.toml found in the current folder"))
    return found


@app.command()
def init(
    data: Annotated[Path, typer.Argument(help="Membership table: one row per (collection, entity), e.g. user,book.")],
    entities: Annotated[Optional[Path], typer.Option("--entities", help="Optional metadata table: one row per entity (title, genre, ...).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Dataset slug (default: from the file name); the spec is datasets/NAME.toml.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing datasets/NAME.toml.")] = False,
) -> None:
    """Look at the first rows of DATA (and --entities) and write a commented datasets/NAME.toml to start from."""
    from sitegen.commands.init import init as run_init

    try:
        path, notes = run_init(data, entities, name, force=force)
    except AtlasgenError as e:
        _fail(e)
    for note in notes:
        typer.echo(f"note: {note}")
    typer.echo(f"wrote {path}; check its guesses, then: atlasgen validate {path} && atlasgen build")


@app.command()
def build(
    specs: SpecArgs = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Site output folder; replaced only when the build succeeds.")] = Path("dist"),
    cache: CacheOpt = Path(".atlasgen-cache"),
    force: Annotated[bool, typer.Option("--force", help="Recompute every stage, ignoring cached artifacts.")] = False,
    device: Annotated[Optional[str], typer.Option("--device", help="Override graph.device for PyMDE: cpu or cuda.")] = None,
    viewer: Annotated[Optional[Path], typer.Option("--viewer", help="Folder with the built viewer bundle (default: js/dist).")] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run co-occurrence and projections on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for a local one. Needs pip install 'atlasgen[distributed]'.")] = None,
    reproducible: Annotated[bool, typer.Option("--reproducible", help="Leave measured stage timings out of the site, so that even cold rebuilds are byte-identical (dates come from SOURCE_DATE_EPOCH, or are left out).")] = False,
    allow_path: AllowOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Build the atlases for SPECS and write the static site to --out."""
    from sitegen.commands.build import build as run_build

    if device not in (None, "cpu", "cuda"):
        _fail(AtlasgenError(f"--device: must be 'cpu' or 'cuda', got {device!r}"))
    try:
        results = run_build(_specs(specs), out, cache, force=force, device=device, quiet=quiet, viewer_dir=viewer,
                            scheduler=scheduler, reproducible=reproducible, allow=allow_path or [])
    except AtlasgenError as e:
        _fail(e)
    for r in results:
        if r.stats.get("duplicate_ids_skipped"):
            typer.echo(f"warning: {r.spec.name}: {r.stats['duplicate_ids_skipped']:,} metadata rows repeat an earlier id "
                       "and were skipped", err=True)
    if not quiet:
        for r in results:
            t = r.stats.get("timings", {})
            typer.echo(f"{r.spec.name}: {len(r.entities)} entities, variants {', '.join(r.layouts)}; "
                       + ", ".join(f"{k} {v:.1f}s" for k, v in t.items()))
        typer.echo(f"site written to {out}/; preview it with: atlasgen serve {out}")


@app.command()
def validate(specs: SpecArgs = None, allow_path: AllowOpt = None) -> None:
    """Check specs and their data; print counts, estimates and each variant's stages. Exit 1 where a build would fail."""
    from sitegen.commands.validate import describe

    try:
        for path in _specs(specs):
            typer.echo(describe(path, allow_path or []))
    except AtlasgenError as e:
        _fail(e)


@app.command()
def serve(
    directory: Annotated[Path, typer.Argument(help="Built site folder.")] = Path("dist"),
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Interface to bind; 0.0.0.0 exposes it to the network.")] = "127.0.0.1",
) -> None:
    """Preview a built site locally, serving the precompressed .br/.gz files."""
    from sitegen.commands.serve import serve as run_serve

    if not directory.is_dir():
        _fail(AtlasgenError(f"{directory}: not a folder (run `atlasgen build` first)"))
    run_serve(directory, port=port, host=host)


@app.command()
def evaluate(
    spec: Annotated[Path, typer.Argument(help="Dataset spec file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    baselines: Annotated[bool, typer.Option("--baselines/--no-baselines", help="Also score the baselines.")] = True,
    override: Annotated[Optional[list[str]], typer.Option("--set", help="KEY=VALUE spec override, e.g. graph.transform=inv_log; repeatable.")] = None,
    cache: CacheOpt = Path(".atlasgen-cache"),
    allow_path: AllowOpt = None,
) -> None:
    """Score every variant of SPEC (neighbour recall, label agreement, trustworthiness) and the baselines."""
    import json

    from sitegen.commands.evaluate import evaluate as run
    from sitegen.commands.evaluate import format_table, parse_grid, with_overrides
    from sitegen.pipeline.cache import ArtifactStore
    from sitegen.spec import load_spec

    try:
        sets = {k: v[0] for k, v in parse_grid(override or []).items()}
        result = run(with_overrides(load_spec(spec, allow_path or []), sets), ArtifactStore(cache), baselines=baselines)
    except AtlasgenError as e:
        _fail(e)
    typer.echo(json.dumps(result, indent=2) if as_json else format_table(result))


@app.command()
def sweep(
    spec: Annotated[Path, typer.Argument(help="Dataset spec file.")],
    grid: Annotated[list[str], typer.Option("--grid", help="KEY=V1,V2 (e.g. graph.n_neighbors=10,20 or variants.umap.min_dist=0.05,0.25); repeatable.")],
    metric: Annotated[Optional[str], typer.Option("--metric", help="Figure to rank by: label@K, recall@K or trust (default: label@K with [evaluate] label, else recall@K).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Site output folder: the spec's site plus <dataset>/sweep.html; replaced only when complete.")] = Path("dist"),
    cache: CacheOpt = Path(".atlasgen-cache"),
    viewer: Annotated[Optional[Path], typer.Option("--viewer", help="Folder with the built viewer bundle (default: js/dist).")] = None,
    allow_path: AllowOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Build and score every combination of --grid values (cached), write the site with a contact sheet of them, best first."""
    import json

    from sitegen.commands.evaluate import parse_grid
    from sitegen.commands.sweep import run_sweep
    from sitegen.pipeline.cache import ArtifactStore
    from sitegen.spec import load_spec

    try:
        spec_model = load_spec(spec, allow_path or [])
        rows = run_sweep(spec_model, parse_grid(grid), out, ArtifactStore(cache), metric=metric, quiet=quiet,
                         viewer_dir=viewer)
    except AtlasgenError as e:
        _fail(e)
    for row in rows:
        typer.echo(json.dumps({k: v for k, v in row.items() if k != "thumb"}))
    if not quiet:
        typer.echo(f"contact sheet written to {out}/{spec_model.name}/sweep.html")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
