"""Schemathesis hooks of npm run test:fuzz (loaded through `hooks` in fuzz/schemathesis.toml).

The partner callbacks take a compact JWS as `application/jose` (RFC 7515 section 9.2.1): a
string, sent as it is, like text/plain. Schemathesis generates strings of the documented
pattern (three base64url parts); none carries a registered partner's signature, so these
requests test the refusals (401), never an accepted message.
"""

import schemathesis

schemathesis.serializer.alias("application/jose", "text/plain")
