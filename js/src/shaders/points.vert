// One vertex per entity. state: 0 normal, 1 dimmed (filtered out), 2 hidden, 3 highlighted
// (search/list hit, neighbour of the selection), 4 selected, 5 hovered, 6 locator ring, 7 in the
// area selection (as normal; with focus on, the points outside it fade).
precision highp float;
attribute vec2 pos;
#ifdef MORPH
attribute vec2 pos0;
uniform float morph;
#endif
attribute vec2 style;   // x: palette index / 255, y: size in [0, 1] (normalized bytes)
attribute float state;
uniform mat3 view;
uniform sampler2D palette; // 256 x 1 RGBA
uniform vec2 sizeRange;    // CSS px at zoom 1 for size 0 and 1
uniform float sizeScale;   // zoom and device pixel ratio
uniform float maxSize;
uniform float alpha;       // density-aware opacity
uniform float focus;       // 1 while a highlight set (search hits, my list, selection) is active
uniform vec3 background;
varying vec4 vColor;
varying float vSize;
varying float vRing;

void main() {
#ifdef MORPH
  vec2 p = mix(pos0, pos, morph);
#else
  vec2 p = pos;
#endif
  if (state > 1.5 && state < 2.5) {        // hidden: outside the clip volume, no fragments
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 0.0;
    return;
  }
  vec3 c = view * vec3(p, 1.0);
  gl_Position = vec4(c.xy, 0.0, 1.0);
  float s = min(mix(sizeRange.x, sizeRange.y, style.y) * sizeScale, maxSize);
  vec4 col = texture2D(palette, vec2(style.x * (255.0 / 256.0) + 0.5 / 256.0, 0.5));
  float a = alpha;
  vRing = 0.0;
  if (state > 0.5 && state < 1.5 || (focus > 0.5 && state < 0.5)) {
    col.rgb = mix(col.rgb, background, 0.7);
    a *= 0.5;
  } else if (state > 6.5) {               // 7 in the area selection: full colour, a little more opaque
    a = max(a, 0.85);
  } else if (state > 2.5) {
    s = max(s * 1.5, s + 4.0);
    a = 1.0;
    vRing = state > 3.5 ? 1.0 : 0.5;
  }
  if (state > 5.5 && state < 6.5) {       // 6 locator (compare page overlay): a hollow ring around the point
    s = max(s + 22.0, 30.0);
    vRing = 3.0;
    col.rgb = background;                  // the ring's halo
  }
  gl_PointSize = s;
  vSize = s;
  vColor = vec4(col.rgb, a);
}
