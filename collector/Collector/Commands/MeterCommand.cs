using System;
using System.Globalization;
using System.Text;

namespace AssetMeter.Collector.Commands
{
    /// <summary>
    /// Builds the signed command messages a meter accepts: <c>AMC1|{"v":1,"ms":..,"n":..,"ex":..,"op":..,...}|&lt;DER hex&gt;</c>
    /// (docs/protocol.md). The counter <c>n</c> must exceed every counter the meter has accepted; the expiry bounds
    /// how long a captured command could be replayed to a meter that has not seen it.
    /// </summary>
    public static class MeterCommand
    {
        /// <summary>How long a command stays valid by default.</summary>
        public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

        public static byte[] Read(CollectorKey key, string serial, long counter, DateTime expiryUtc)
            => Sign(key, Header(serial, counter, expiryUtc, "read") + "}");

        public static byte[] Resend(CollectorKey key, string serial, long counter, DateTime expiryUtc, long fromPeriod, long toPeriod)
            => Sign(key, Header(serial, counter, expiryUtc, "resend") + ",\"from\":" + Number(fromPeriod) + ",\"to\":" + Number(toPeriod) + "}");

        public static byte[] SetClock(CollectorKey key, string serial, long counter, DateTime expiryUtc, DateTime utc)
            => Sign(key, Header(serial, counter, expiryUtc, "clock") + ",\"utc\":\"" + Time(utc, true) + "\"}");

        public static byte[] Acknowledge(CollectorKey key, string serial, long counter, DateTime expiryUtc, long toPeriod)
            => Sign(key, Header(serial, counter, expiryUtc, "ack") + ",\"to\":" + Number(toPeriod) + "}");

        public static byte[] Calibrate(CollectorKey key, string serial, long counter, DateTime expiryUtc, byte[] calibrationRecord)
            => Sign(key, Header(serial, counter, expiryUtc, "calibrate") + ",\"cal\":\"" + Convert.ToHexStringLower(calibrationRecord) + "\"}");

        /// <summary>The payload (between the two '|') of a command message, as text.</summary>
        public static string PayloadOf(byte[] message)
        {
            string text = Encoding.ASCII.GetString(message);
            int first = text.IndexOf('|');
            int last = text.LastIndexOf('|');
            return first >= 0 && last > first ? text.Substring(first + 1, last - first - 1) : string.Empty;
        }

        private static string Header(string serial, long counter, DateTime expiryUtc, string operation)
        {
            if (serial.IndexOf('"') >= 0 || serial.IndexOf('\\') >= 0)
            {
                throw new ArgumentException("meter serial must not contain quotes or backslashes", nameof(serial));
            }

            return "{\"v\":1,\"ms\":\"" + serial + "\",\"n\":" + Number(counter) + ",\"ex\":\"" + Time(expiryUtc, false) + "\",\"op\":\"" + operation + "\"";
        }

        private static byte[] Sign(CollectorKey key, string payload)
        {
            byte[] payloadBytes = Encoding.ASCII.GetBytes(payload);
            string message = "AMC1|" + payload + "|" + Convert.ToHexStringLower(key.Sign(payloadBytes));
            return Encoding.ASCII.GetBytes(message);
        }

        private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        // The meter accepts yyyy-MM-ddTHH:mm:ssZ or with milliseconds; a clock setting carries milliseconds.
        private static string Time(DateTime utc, bool milliseconds)
            => UtcText.AsUtc(utc).ToString(milliseconds ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
