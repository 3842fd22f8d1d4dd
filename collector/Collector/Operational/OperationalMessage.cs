using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AssetMeter.Collector.Operational
{
    /// <summary>One verified operational metering message (docs/protocol.md, "Operational metering").</summary>
    public sealed class OperationalReading
    {
        public required string Serial { get; init; }

        public long Sequence { get; init; }

        /// <summary>UTC of the IC read the values come from, by the meter's clock.</summary>
        public DateTime MeterUtc { get; init; }

        /// <summary>True when the meter said its clock was synchronised (time status S).</summary>
        public bool Synchronised { get; init; }

        public int IntervalSeconds { get; init; }

        /// <summary>Active power, mW, positive importing.</summary>
        public long PowerMilliwatts { get; init; }

        /// <summary>Time the energies cover, ms (0 in the first message after the meter started).</summary>
        public long CoveredMilliseconds { get; init; }

        public long ImportedMicrowattHours { get; init; }

        public long ExportedMicrowattHours { get; init; }

        public long ImportRegisterMicrowattHours { get; init; }

        public long ExportRegisterMicrowattHours { get; init; }
    }

    /// <summary>
    /// Reads operational messages, <c>AMO1|payload|mac</c>, with the collector's own code and .NET's HMAC (not the
    /// meter's): the form first, then the MAC over the payload bytes as received, compared in constant time, and only
    /// then the payload.
    /// </summary>
    public static class OperationalMessage
    {
        /// <summary>Largest message accepted.</summary>
        public const int MaximumLength = 1024;

        private static readonly string[] Fields = { "v", "ms", "seq", "utc", "ts", "int", "p_mw", "dt_ms", "ei_uwh", "ee_uwh", "ri_uwh", "re_uwh" };

        /// <summary>
        /// Checks and parses <paramref name="message"/> from the topic of <paramref name="serial"/> with the meter's
        /// operational <paramref name="key"/>. On failure returns null with a reason (<c>malformed</c>,
        /// <c>bad-mac</c>, <c>malformed-payload</c>, <c>identity-mismatch</c>) and a detail for the log.
        /// </summary>
        public static OperationalReading? Read(string serial, ReadOnlySpan<byte> message, byte[] key, out string reason, out string detail)
        {
            reason = "malformed";
            detail = string.Empty;
            if (message.Length > MaximumLength || !message.StartsWith("AMO1|"u8))
            {
                detail = message.Length > MaximumLength ? $"{message.Length} bytes" : "does not start AMO1|";
                return null;
            }

            // The last '|' starts the MAC; one that is the magic's own leaves no payload.
            int last = message.LastIndexOf((byte)'|');
            Span<byte> received = stackalloc byte[32];
            if (last <= 5 || message.Length - last - 1 != 64 || !TryHex(message[(last + 1)..], received))
            {
                detail = "no payload, or the MAC is not 64 lower-case hex digits";
                return null;
            }

            ReadOnlySpan<byte> payload = message[5..last];

            Span<byte> expected = stackalloc byte[32];
            HMACSHA256.HashData(key, payload, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, received))
            {
                reason = "bad-mac";
                detail = "the MAC does not verify with the registered operational key";
                return null;
            }

            reason = "malformed-payload";
            try
            {
                using JsonDocument document = JsonDocument.Parse(payload.ToArray());
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    detail = "not a JSON object";
                    return null;
                }

                int index = 0;
                foreach (JsonProperty property in root.EnumerateObject())
                {
                    if (index >= Fields.Length || property.Name != Fields[index])
                    {
                        detail = $"field {index + 1} is '{property.Name}', expected '{(index < Fields.Length ? Fields[index] : "none")}'";
                        return null;
                    }

                    index++;
                }

                if (index != Fields.Length)
                {
                    detail = $"{index} fields, expected {Fields.Length}";
                    return null;
                }

                if (root.GetProperty("v").GetInt32() != 1)
                {
                    detail = "version is not 1";
                    return null;
                }

                string ms = root.GetProperty("ms").GetString()!;
                string ts = root.GetProperty("ts").GetString()!;
                string? utcText = root.GetProperty("utc").GetString();
                if (!DateTime.TryParseExact(utcText, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime utc)
                    || (ts != "S" && ts != "U"))
                {
                    detail = "utc or ts not as specified";
                    return null;
                }

                var reading = new OperationalReading
                {
                    Serial = ms,
                    Sequence = root.GetProperty("seq").GetInt64(),
                    MeterUtc = utc,
                    Synchronised = ts == "S",
                    IntervalSeconds = root.GetProperty("int").GetInt32(),
                    PowerMilliwatts = root.GetProperty("p_mw").GetInt64(),
                    CoveredMilliseconds = root.GetProperty("dt_ms").GetInt64(),
                    ImportedMicrowattHours = root.GetProperty("ei_uwh").GetInt64(),
                    ExportedMicrowattHours = root.GetProperty("ee_uwh").GetInt64(),
                    ImportRegisterMicrowattHours = root.GetProperty("ri_uwh").GetInt64(),
                    ExportRegisterMicrowattHours = root.GetProperty("re_uwh").GetInt64(),
                };
                if (reading.IntervalSeconds < 1 || reading.IntervalSeconds > 60 || reading.Sequence < 1 || reading.CoveredMilliseconds < 0
                    || reading.ImportedMicrowattHours < 0 || reading.ExportedMicrowattHours < 0)
                {
                    detail = "a value is out of its range";
                    return null;
                }

                if (ms != serial)
                {
                    reason = "identity-mismatch";
                    detail = $"ms '{ms}' on the topic of '{serial}'";
                    return null;
                }

                reason = string.Empty;
                return reading;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // The fields are all there (checked above): a value of the wrong type or size.
                detail = e.Message;
                return null;
            }
        }

        private static bool TryHex(ReadOnlySpan<byte> hex, Span<byte> output)
        {
            for (int i = 0; i < output.Length; i++)
            {
                int high = Nibble(hex[2 * i]);
                int low = Nibble(hex[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return false;
                }

                output[i] = (byte)((high << 4) | low);
            }

            return true;
        }

        private static int Nibble(byte c) => c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            _ => -1,
        };
    }
}
