using AssetMeter.Firmware.Crypto;
using AssetMeter.Hardware.Atecc608;

namespace AssetMeter.Firmware.Records
{
    /// <summary>
    /// Signs records with ECDSA P-256 in an ATECC608 secure element: the meter hashes the payload (SHA-256), the chip
    /// signs the digest with the private key it generated and never releases, and the raw r||s is turned into the
    /// DER that OCMF (application/x-der) and openssl expect.
    /// </summary>
    public sealed class Atecc608RecordSigner : IRecordSigner
    {
        private readonly Atecc608 _chip;
        private readonly int _slot;
        private readonly Sha256 _sha = new Sha256();
        private readonly byte[] _digest = new byte[Sha256.HashSizeBytes];
        private readonly byte[] _raw = new byte[Atecc608.SignatureLength];

        /// <summary>Creates a signer using the key in <paramref name="slot"/> (0 on Trust&amp;GO parts).</summary>
        public Atecc608RecordSigner(Atecc608 chip, int slot)
        {
            _chip = chip;
            _slot = slot;
        }

        /// <summary>Status of the last signing, for the event log.</summary>
        public Atecc608Status LastStatus { get; private set; }

        /// <inheritdoc />
        public string Algorithm
        {
            get { return "ECDSA-secp256r1-SHA256"; }
        }

        /// <inheritdoc />
        public string MimeType
        {
            get { return "application/x-der"; }
        }

        /// <inheritdoc />
        public int Sign(byte[] payload, int offset, int count, byte[] signature)
        {
            _sha.Initialize();
            _sha.Update(payload, offset, count);
            _sha.Final(_digest, 0);
            LastStatus = _chip.Sign(_slot, _digest, 0, _raw, 0);
            if (LastStatus != Atecc608Status.Ok)
            {
                return -1;
            }

            return DerSignature.FromRaw(_raw, 0, signature, 0);
        }
    }
}
