using System;

namespace AssetMeter.Collector.Registry
{
    /// <summary>
    /// A meter in the collector's key registry (its standing data): serial, how it signs and with which key, its
    /// AMSIDs and its maximum demand. Records are only counted for registered meters.
    /// </summary>
    public sealed class MeterRegistration
    {
        /// <summary>ECDSA P-256 over SHA-256 (meters with an ATECC608).</summary>
        public const string Ecdsa = "ECDSA-secp256r1-SHA256";

        /// <summary>HMAC-SHA256 with a per-meter key (meters without a secure element; weaker).</summary>
        public const string Hmac = "HMAC-SHA256";

        /// <summary>Type 5 limit: asset metering embedded in equipment of up to 100 kW.</summary>
        public const long Type5MaximumDemandWatts = 100_000;

        public required string Serial { get; init; }

        /// <summary><see cref="Ecdsa"/> or <see cref="Hmac"/>; a record signed any other way is refused.</summary>
        public required string Algorithm { get; init; }

        /// <summary>The public key (65-byte uncompressed P-256 point) or the HMAC key, hex.</summary>
        public required string KeyHex { get; init; }

        public required string AmsidImport { get; init; }

        public string? AmsidExport { get; init; }

        public long MaximumDemandWatts { get; init; } = Type5MaximumDemandWatts;

        /// <summary>When the meter was registered (UTC).</summary>
        public DateTime RegisteredUtc { get; init; }

        /// <summary>Checks the registration's own consistency; null when it is good, otherwise why not.</summary>
        public string? Problem()
        {
            if (string.IsNullOrWhiteSpace(Serial) || Serial.Length > 64)
            {
                return "serial is empty or longer than 64 characters";
            }

            byte[] key;
            try
            {
                key = Convert.FromHexString(KeyHex);
            }
            catch (FormatException)
            {
                return "key is not hex";
            }

            if (Algorithm == Ecdsa)
            {
                return key.Length == 65 && key[0] == 0x04 ? null : "an ECDSA key must be a 65-byte uncompressed P-256 point (04 || X || Y)";
            }

            if (Algorithm == Hmac)
            {
                return key.Length >= 16 ? null : "an HMAC key must be at least 16 bytes";
            }

            return $"algorithm '{Algorithm}' is neither {Ecdsa} nor {Hmac}";
        }
    }
}
