"""Generated test messages (shared by tests and the benchmark)."""

from __future__ import annotations

import random
from email.message import EmailMessage

MIB = 1024 * 1024


def pseudo_random_bytes(size: int, seed: int = 7) -> bytes:
    """Deterministic incompressible bytes."""
    return random.Random(seed).randbytes(size)


def large_message(total: int = 25 * MIB, recipient: str = "box@example.com") -> tuple[bytes, bytes]:
    """A message of just under `total` bytes with one attachment: (raw, attachment bytes).

    Base64 grows data by 4/3 plus line ends, so the attachment is sized to fill `total`.
    """
    payload = pseudo_random_bytes(int((total - 4096) * 0.728))
    message = EmailMessage()
    message["From"] = "Big Sender <big@example.net>"
    message["To"] = recipient
    message["Subject"] = "a large attachment"
    message["Message-ID"] = "<large@example.net>"
    message.set_content("The attachment is large.\n")
    message.add_attachment(payload, maintype="application", subtype="octet-stream", filename="big.bin")
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert len(raw) <= total, len(raw)
    return raw, payload
