using System;
using System.Text.Json;

namespace AssetMeter.Collector.Records
{
    /// <summary>
    /// The three sections of an OCMF record as received: <c>OCMF|payload|signature</c>. The payload is kept as the exact
    /// bytes that arrived, because the signature covers those bytes and nothing may re-render them.
    /// </summary>
    public sealed class OcmfEnvelope
    {
        /// <summary>Records larger than this are refused before any parsing (the meter's records are under 1 KB).</summary>
        public const int MaximumLength = 8192;

        private OcmfEnvelope(byte[] payload, string algorithm, string encoding, string mimeType, byte[] signature)
        {
            Payload = payload;
            Algorithm = algorithm;
            Encoding = encoding;
            MimeType = mimeType;
            Signature = signature;
        }

        /// <summary>The payload bytes exactly as received (what the signature covers).</summary>
        public byte[] Payload { get; }

        /// <summary>The signature algorithm, <c>SA</c> (for example <c>ECDSA-secp256r1-SHA256</c>).</summary>
        public string Algorithm { get; }

        /// <summary>The signature encoding, <c>SE</c> (always <c>hex</c> here).</summary>
        public string Encoding { get; }

        /// <summary>The signature's MIME type, <c>SM</c>.</summary>
        public string MimeType { get; }

        /// <summary>The signature bytes, <c>SD</c> decoded.</summary>
        public byte[] Signature { get; }

        /// <summary>Splits a record; on failure returns null and says why in <paramref name="error"/>.</summary>
        public static OcmfEnvelope? TryParse(ReadOnlySpan<byte> message, out string error)
        {
            error = string.Empty;
            if (message.Length > MaximumLength)
            {
                error = $"record of {message.Length} bytes is larger than {MaximumLength}";
                return null;
            }

            if (!message.StartsWith("OCMF|"u8))
            {
                error = "not an OCMF record (it must start with 'OCMF|')";
                return null;
            }

            // '|' cannot appear inside an OCMF section, so the payload ends at the last one.
            ReadOnlySpan<byte> rest = message.Slice(5);
            int separator = rest.LastIndexOf((byte)'|');
            if (separator <= 0 || separator == rest.Length - 1)
            {
                error = "OCMF record without a signature section";
                return null;
            }

            ReadOnlySpan<byte> payload = rest.Slice(0, separator);
            if (payload.IndexOf((byte)'|') >= 0)
            {
                error = "OCMF record with more than three sections";
                return null;
            }

            string algorithm;
            string encoding;
            string mimeType;
            string data;
            try
            {
                using JsonDocument signature = JsonDocument.Parse(rest.Slice(separator + 1).ToArray());
                JsonElement root = signature.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    error = "signature section is not a JSON object";
                    return null;
                }

                algorithm = Text(root, "SA") ?? "ECDSA-secp256r1-SHA256";
                encoding = Text(root, "SE") ?? "hex";
                mimeType = Text(root, "SM") ?? "application/x-der";
                data = Text(root, "SD") ?? string.Empty;
            }
            catch (JsonException e)
            {
                error = "signature section is not valid JSON: " + e.Message;
                return null;
            }

            if (encoding != "hex")
            {
                error = $"signature encoding '{encoding}' is not supported (hex only)";
                return null;
            }

            byte[] signatureBytes;
            try
            {
                signatureBytes = Convert.FromHexString(data);
            }
            catch (FormatException)
            {
                error = "signature data SD is not hex";
                return null;
            }

            if (signatureBytes.Length == 0)
            {
                error = "signature data SD is empty";
                return null;
            }

            return new OcmfEnvelope(payload.ToArray(), algorithm, encoding, mimeType, signatureBytes);
        }

        /// <summary>The payload as text (ASCII: the meter writes nothing else).</summary>
        public string PayloadText => System.Text.Encoding.UTF8.GetString(Payload);

        private static string? Text(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out JsonElement value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new JsonException($"{name} is not a string");
        }
    }
}
