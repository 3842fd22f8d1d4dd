using AssetMeter.Firmware.Crypto;

namespace AssetMeter.Firmware.Records
{
    /// <summary>
    /// Signs records with HMAC-SHA256 and a per-meter key, for boards without a secure element. This is the weaker
    /// option: the key sits in the meter's configuration and whoever holds it (the collector) could forge records,
    /// and OCMF verifiers do not know the algorithm. Records say so: SA is "HMAC-SHA256".
    /// </summary>
    public sealed class HmacRecordSigner : IRecordSigner
    {
        private readonly HmacSha256 _hmac;

        /// <summary>Creates a signer with <paramref name="key"/> (at least 32 bytes).</summary>
        public HmacRecordSigner(byte[] key)
        {
            _hmac = new HmacSha256(key);
        }

        /// <inheritdoc />
        public string Algorithm
        {
            get { return "HMAC-SHA256"; }
        }

        /// <inheritdoc />
        public string MimeType
        {
            get { return "application/octet-stream"; }
        }

        /// <inheritdoc />
        public int Sign(byte[] payload, int offset, int count, byte[] signature)
        {
            _hmac.Initialize();
            _hmac.Update(payload, offset, count);
            _hmac.Final(signature, 0);
            return HmacSha256.MacSizeBytes;
        }
    }
}
