// Round point whose outermost pixel ring is anti-aliased (partial coverage blended); highlighted points get a contrasting ring.
// RING compiles the rings in, LOCATOR the compare page's hollow locator ring: software GL (SwiftShader)
// runs both sides of every branch for every fragment, so the map's pass leaves them out and only the
// few ringed points are drawn again with them (renderer.js).
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
#ifdef RING
#ifdef LOCATOR
  if (vRing > 2.5) {                       // locator: 1 px halo, 3 px ring, 1 px halo at the rim; hollow inside
    float e = 0.5 * vSize - r;             // px in from the rim
    float inner = clamp(5.5 - e, 0.0, 1.0);
    if (inner <= 0.0) discard;
    float ring = clamp(e - 0.5, 0.0, 1.0) * clamp(4.5 - e, 0.0, 1.0);
    gl_FragColor = vec4(mix(vColor.rgb, ringColor, ring), cover * inner * mix(0.6, 1.0, ring));
    return;
  }
#endif
  vec3 rgb = vColor.rgb;
  if (vRing > 0.0) rgb = mix(rgb, ringColor, step(0.5 * vSize - 2.0 * vRing, r) * 0.9);
  gl_FragColor = vec4(rgb, vColor.a * cover);
#else
  gl_FragColor = vec4(vColor.rgb, vColor.a * cover);
#endif
}
