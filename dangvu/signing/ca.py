"""The demo certificate authority (demo only: a real committee uses official-use certificates issued by
the Ban Cơ yếu Chính phủ's CA under NĐ 68/2024, see docs/signing.md).

It makes a root CA, personal certificates, organisation certificates, a timestamp authority
certificate, the root's revocation list and seal images, all under ``DANGVU_SIGNING_DIR``; private
keys are written only in encrypted form (PKCS#8 / PKCS#12 under ``DANGVU_SIGNING_KEY_PASSPHRASE``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils import timezone

from dangvu.core.pdf import FONT_DIR
from dangvu.signing import keys

ROOT_NAME = "Đảng vụ số — CA thử nghiệm (demo)"
ROOT_FILE = "dangvu-demo-root"
# Certificate policies of the demo CA (a UUID-derived arc, 2.25: no registration needed).
DEMO_POLICY = "2.25.160517346236541137216376372553913361207"
PERSON_POLICY = f"{DEMO_POLICY}.1"
ORGANISATION_POLICY = f"{DEMO_POLICY}.2"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organisation: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


@dataclass
class Authority:
    """The demo root: its key, certificate and where its files are."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    directory: Path
    crl_url: str

    @property
    def revoked_path(self) -> Path:
        return self.directory / "ca" / "revoked.json"

    def issue(
        self,
        *,
        common_name: str,
        organisation: str,
        public_key: CertificateIssuerPublicKeyTypes,
        kind: str,
        not_before: datetime | None = None,
        days: int = 730,
    ) -> x509.Certificate:
        """A certificate for a person (``kind="person"``), an organisation's seal or the timestamp
        authority (``"tsa"``)."""
        start = not_before or timezone.now() - timedelta(days=1)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None)]
                ),
                critical=False,
            )
        )
        if kind == "tsa":
            builder = builder.add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            policy = PERSON_POLICY if kind == "person" else ORGANISATION_POLICY
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            ).add_extension(
                x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(policy), None)]),
                critical=False,
            )
        return builder.sign(self.key, hashes.SHA256())

    def revoked(self) -> list[int]:
        return json.loads(self.revoked_path.read_text()) if self.revoked_path.exists() else []

    def revoke(self, serial: int) -> None:
        self.revoked_path.write_text(json.dumps(sorted({*self.revoked(), serial})))
        self.publish_crl()

    def publish_crl(self, days: int = 30) -> Path:
        """Write the root's revocation list to ``crl/`` (served at ``/api/v1/signing/crl/<name>``, and
        embedded by the service in every document it signs). Re-run before ``days`` pass."""
        now = timezone.now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=days))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        )
        for serial in self.revoked():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - timedelta(minutes=1))
                .build()
            )
        path = self.directory / "crl" / f"{ROOT_FILE}.crl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
        return path


def _encryption() -> serialization.KeySerializationEncryption:
    return serialization.BestAvailableEncryption(keys.passphrase())


def open_or_create_root(directory: Path | None = None, *, crl_url: str = "", years: int = 20) -> Authority:
    """The demo root CA under ``directory`` (created on first use)."""
    directory = directory or keys.signing_dir()
    crl_url = crl_url or settings.DANGVU_SIGNING_CRL_URL
    key_path, cert_path = directory / "ca" / f"{ROOT_FILE}.key", directory / "trust" / f"{ROOT_FILE}.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), keys.passphrase())
        assert isinstance(key, rsa.RSAPrivateKey)
        return Authority(key, x509.load_pem_x509_certificate(cert_path.read_bytes()), directory, crl_url)
    key = new_key()
    name = _name(ROOT_NAME, "Đảng vụ số (demo)")
    start = timezone.now() - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    for path in (key_path, cert_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    authority = Authority(key, certificate, directory, crl_url)
    authority.publish_crl()
    return authority


def write_pkcs12(
    path: Path,
    *,
    name: str,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(name.encode(), key, certificate, chain, _encryption())
    )
    path.chmod(0o600)


def issue_person(
    authority: Authority, *, username: str, full_name: str, organisation: str, **options: Any
) -> Path:
    key = new_key()
    certificate = authority.issue(
        common_name=full_name,
        organisation=organisation,
        public_key=key.public_key(),
        kind="person",
        **options,
    )
    path = (
        keys.person_key_path(username)
        if authority.directory == keys.signing_dir()
        else authority.directory / "people" / f"{username}.p12"
    )
    write_pkcs12(path, name=username, key=key, certificate=certificate, chain=[authority.certificate])
    return path


def issue_organisation(authority: Authority, *, code: str, name: str, **options: Any) -> Path:
    key = new_key()
    certificate = authority.issue(
        common_name=name, organisation=name, public_key=key.public_key(), kind="organisation", **options
    )
    path = authority.directory / "orgs" / f"{code}.p12"
    write_pkcs12(path, name=code, key=key, certificate=certificate, chain=[authority.certificate])
    draw_seal(authority.directory / "orgs" / f"{code}.png", name)
    return path


def issue_tsa(authority: Authority) -> Path:
    key = new_key()
    certificate = authority.issue(
        common_name="Đảng vụ số — máy chủ dấu thời gian (demo)",
        organisation="Đảng vụ số (demo)",
        public_key=key.public_key(),
        kind="tsa",
        days=3650,
    )
    path = authority.directory / "tsa" / "tsa.p12"
    write_pkcs12(path, name="tsa", key=key, certificate=certificate, chain=[authority.certificate])
    return path


def draw_seal(path: Path, name: str, size: int = 360) -> None:
    """A round red seal with the organisation's name (demo stand-in for the real seal's image)."""
    from PIL import Image, ImageDraw, ImageFont

    red = (200, 16, 46, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=10)
    draw.ellipse((48, 48, size - 48, size - 48), outline=red, width=4)
    font = ImageFont.truetype(str(FONT_DIR / "LiberationSerif-Bold.ttf"), size // 13)
    text = name.upper()
    # the name around the ring, one letter at a time
    radius = size / 2 - 30
    step = min(360 / max(len(text), 1), 13.0)
    start = -90 - step * (len(text) - 1) / 2
    for index, char in enumerate(text):
        angle = math.radians(start + index * step)
        letter = Image.new("RGBA", (size // 8, size // 8), (0, 0, 0, 0))
        ImageDraw.Draw(letter).text((size // 16, size // 16), char, font=font, fill=red, anchor="mm")
        letter = letter.rotate(-(start + index * step) - 90, resample=Image.Resampling.BICUBIC)
        x = size / 2 + radius * math.cos(angle) - letter.width / 2
        y = size / 2 + radius * math.sin(angle) - letter.height / 2
        image.alpha_composite(letter, (round(x), round(y)))
    # a five-pointed star in the middle
    points = []
    for index in range(10):
        r = size / 7 if index % 2 == 0 else size / 17
        angle = math.radians(-90 + index * 36)
        points.append((size / 2 + r * math.cos(angle), size / 2 + r * math.sin(angle)))
    draw.polygon(points, fill=red)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
