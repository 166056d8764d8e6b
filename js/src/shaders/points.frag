// Round point whose outermost pixel ring is anti-aliased (partial coverage blended); highlighted points get a contrasting ring.
precision mediump float;
uniform vec3 ringColor;
varying vec4 vColor;
varying float vSize;
varying float vRing;

void main() {
  vec2 d = gl_PointCoord - 0.5;
  float r = length(d) * vSize;             // distance from the centre in px
  float cover = clamp(0.5 * vSize - r + 0.5, 0.0, 1.0);
  if (cover <= 0.0) discard;
  vec3 rgb = vColor.rgb;
  if (vRing > 0.0) rgb = mix(rgb, ringColor, step(0.5 * vSize - 2.0 * vRing, r) * 0.9);
  gl_FragColor = vec4(rgb, vColor.a * cover);
}
