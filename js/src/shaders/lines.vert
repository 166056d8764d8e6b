// Lines from the selected entity to its top co-occurring entities.
precision highp float;
attribute vec2 pos;
attribute vec4 color;
uniform mat3 view;
varying vec4 vColor;
void main() {
  vec3 c = view * vec3(pos, 1.0);
  gl_Position = vec4(c.xy, 0.0, 1.0);
  vColor = color;
}
