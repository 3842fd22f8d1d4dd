using AssetMeter.Firmware.Crypto;

namespace AssetMeter.Firmware.Commands
{
    /// <summary>Checks collectors' command signatures in managed code (SHA-256, then ECDSA P-256), on any board.</summary>
    public sealed class EcdsaSignatureVerifier : ISignatureVerifier
    {
        private readonly EcdsaP256Verifier _verifier = new EcdsaP256Verifier();
        private readonly Sha256 _sha = new Sha256();
        private readonly byte[] _digest = new byte[Sha256.HashSizeBytes];

        /// <inheritdoc />
        public bool Verify(byte[] publicKey, byte[] data, int offset, int count, byte[] signature, int signatureOffset, int signatureLength)
        {
            if (publicKey == null || data == null || signature == null)
            {
                return false;
            }

            _sha.Initialize();
            _sha.Update(data, offset, count);
            _sha.Final(_digest, 0);
            return _verifier.Verify(publicKey, _digest, signature, signatureOffset, signatureLength);
        }
    }
}
