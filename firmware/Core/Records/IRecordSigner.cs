namespace AssetMeter.Firmware.Records
{
    /// <summary>Signs record payloads: ECDSA P-256 in a secure element, or HMAC-SHA256 with a meter key.</summary>
    public interface IRecordSigner
    {
        /// <summary>The OCMF signature algorithm (SA) named in each record, e.g. "ECDSA-secp256r1-SHA256".</summary>
        string Algorithm { get; }

        /// <summary>The OCMF signature MIME type (SM), e.g. "application/x-der".</summary>
        string MimeType { get; }

        /// <summary>
        /// Signs <paramref name="count"/> bytes of <paramref name="payload"/> from <paramref name="offset"/> (the exact
        /// bytes that will be sent) and writes the signature into <paramref name="signature"/>; returns its length,
        /// or -1 if signing failed (the record is then not sent and the failure is logged).
        /// </summary>
        int Sign(byte[] payload, int offset, int count, byte[] signature);
    }
}
