"""A local Outscale API for the live-scan tests: a real HTTP server (stdlib) that checks
every request against the OpenAPI spec bundled with osc-sdk-python, verifies its
OSC4-HMAC-SHA256 signature, and answers with scenario data, page by page.

- `spec`: the bundled spec, JSON-schema validation of request and response bodies.
- `server.OutscaleMock`: the server (a thread), its request log and its violations.
- `prism`: the spec rewritten so that Prism serves a scenario as its examples.
"""
