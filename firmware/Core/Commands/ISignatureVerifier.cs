namespace AssetMeter.Firmware.Commands
{
    /// <summary>Checks an ECDSA P-256 / SHA-256 signature (DER) over some bytes with a public key (0x04 || X || Y).</summary>
    public interface ISignatureVerifier
    {
        /// <summary>True only if <paramref name="signature"/> is a valid signature of the bytes by <paramref name="publicKey"/>; never throws on malformed input.</summary>
        bool Verify(byte[] publicKey, byte[] data, int offset, int count, byte[] signature, int signatureOffset, int signatureLength);
    }
}
