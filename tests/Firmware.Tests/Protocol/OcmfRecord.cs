using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// A record as a collector receives it: <c>OCMF|payload|signature</c>, split on the two bars, the payload kept as
    /// the exact bytes received (the signature covers those) and parsed only for reading.
    /// </summary>
    internal sealed class OcmfRecord
    {
        private OcmfRecord(byte[] raw, byte[] payload, JsonElement json, JsonElement signatureSection)
        {
            Raw = raw;
            Payload = payload;
            Json = json;
            SignatureSection = signatureSection;
        }

        public byte[] Raw { get; }

        /// <summary>The payload bytes exactly as sent.</summary>
        public byte[] Payload { get; }

        public JsonElement Json { get; }

        public JsonElement SignatureSection { get; }

        public string Algorithm => SignatureSection.GetProperty("SA").GetString()!;

        public byte[] Signature => Convert.FromHexString(SignatureSection.GetProperty("SD").GetString()!);

        public string Pagination => Json.GetProperty("PG").GetString()!;

        /// <summary>The number after the pagination context letter.</summary>
        public long PaginationNumber => long.Parse(Pagination[1..], CultureInfo.InvariantCulture);

        public string Kind => Json.GetProperty("XK").GetString()!;

        public int Flags => Json.GetProperty("XF").GetInt32();

        public JsonElement Reading(int index) => Json.GetProperty("RD")[index];

        public int ReadingCount => Json.GetProperty("RD").GetArrayLength();

        /// <summary>RV of a reading as written (three decimals), in mWh, without going through a floating point number.</summary>
        public long MilliwattHours(int index)
        {
            string text = Reading(index).GetProperty("RV").GetRawText();
            int dot = text.IndexOf('.', StringComparison.Ordinal);
            Assert.AreEqual(3, text.Length - dot - 1, "RV must have exactly three decimals: " + text);
            return long.Parse(text.Remove(dot, 1), CultureInfo.InvariantCulture);
        }

        public static OcmfRecord Parse(byte[] raw)
        {
            string text = Encoding.ASCII.GetString(raw);
            Assert.IsTrue(text.StartsWith("OCMF|", StringComparison.Ordinal), text);
            Assert.AreEqual(2, text.Count(c => c == '|'), "a record has exactly two section separators: " + text);
            Assert.IsFalse(raw.Any(b => b < 0x20 || b > 0x7E), "records are printable ASCII without line breaks");
            int second = Array.IndexOf(raw, (byte)'|', 5);
            byte[] payload = raw[5..second];
            using var payloadDocument = JsonDocument.Parse(payload);
            using var signatureDocument = JsonDocument.Parse(raw[(second + 1)..]);
            return new OcmfRecord(raw, payload, payloadDocument.RootElement.Clone(), signatureDocument.RootElement.Clone());
        }

        public static OcmfRecord Parse(string text) => Parse(Encoding.ASCII.GetBytes(text));
    }
}
