"""A passkey in software for the view tests: answers the server's WebAuthn challenges as an authenticator
would (ES256 key, "none" attestation, user present and verified), so the real endpoints check real
signatures. The browser test uses Chromium's own virtual authenticator instead (tests/browser)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftKey:
    def __init__(self, rp_id: str = "localhost", origin: str = "http://localhost"):
        self.rp_id, self.origin = rp_id, origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.count = 0

    def _cose_key(self) -> bytes:
        n = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")})

    def _authenticator_data(self, rp_id: str, *, attested: bool) -> bytes:
        self.count += 1
        flags = 0x01 | 0x04 | (0x40 if attested else 0)  # user present, user verified, credential data
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.count)
        if attested:
            data += bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        return data

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options: dict) -> dict:
        """The browser's answer to navigator.credentials.create() with the server's options."""
        client_data = self._client_data("webauthn.create", options["challenge"], None)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {},
                                   "authData": self._authenticator_data(options["rp"]["id"], attested=True)})
        return {"id": b64u(self.credential_id), "rawId": b64u(self.credential_id), "type": "public-key",
                "clientExtensionResults": {"credProps": {"rk": True}},
                "response": {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation),
                             "transports": ["internal"]}}

    def get(self, options: dict, *, origin: str | None = None, rp_id: str | None = None) -> dict:
        """The answer to navigator.credentials.get(); `origin`/`rp_id` forge a phishing site's answer."""
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = self._authenticator_data(rp_id or options["rpId"], attested=False)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64u(self.credential_id), "rawId": b64u(self.credential_id), "type": "public-key",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64u(client_data), "authenticatorData": b64u(auth_data),
                             "signature": b64u(signature), "userHandle": None}}
