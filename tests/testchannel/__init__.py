"""A channel adapter that lives in the tests: it proves the spine without a real platform.

Payload (the "testchannel" platform's documented shape, as far as these tests go):
    {"account": "<account id>", "events": [
        {"type": "message", "id": "m1", "thread": "t1", "kind": "direct",
         "from": {"id": "u1", "name": "Maria"}, "text": "hi", "ts": 1700000000,
         "echo": false, "parent": ""},
        {"type": "delivery", "ids": ["out-1"], "status": "delivered"},
        {"type": "anything else"}]}
Signed with X-Test-Signature: hex HMAC-SHA256 of the raw body with SECRET.
"""
