using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Crypto;
using AssetMeter.Firmware.Records;

namespace AssetMeter.Firmware.Operational
{
    /// <summary>
    /// Builds one operational metering message into a buffer it owns, without allocating:
    /// <c>AMO1|{"v":1,"ms":...,"seq":...,"utc":...,"ts":...,"int":...,"p_mw":...,"dt_ms":...,"ei_uwh":...,
    /// "ee_uwh":...,"ri_uwh":...,"re_uwh":...}|&lt;HMAC-SHA256 of the payload, 64 hex digits&gt;</c>
    /// (docs/protocol.md, "Operational metering").
    /// </summary>
    /// <remarks>
    /// The MAC is HMAC-SHA256 under the meter's operational key, computed by the portable <see cref="HmacSha256"/>
    /// with the keyed states precomputed: a message of L payload bytes costs ceil((L + 9) / 64) + 1 SHA-256
    /// compressions (four for a typical payload of some 180 bytes). The half-hour records stay ECDSA; this stream is for
    /// operations, not settlement, and needs a MAC cheap enough for every second.
    /// </remarks>
    public sealed class OperationalMessageBuilder
    {
        /// <summary>Largest message: the fixed fields, a 64-character serial and every number at its widest.</summary>
        public const int MaximumLength = 512;

        /// <summary>What every message starts with.</summary>
        public const string Magic = "AMO1|";

        private readonly string _serial;
        private readonly HmacSha256 _hmac;
        private readonly byte[] _buffer = new byte[MaximumLength];
        private readonly byte[] _mac = new byte[HmacSha256.MacSizeBytes];
        private readonly AsciiWriter _writer;

        /// <summary>Creates a builder for meter <paramref name="serial"/> keyed with its operational key (at least 32 bytes).</summary>
        public OperationalMessageBuilder(string serial, byte[] key)
        {
            _serial = serial;
            _hmac = new HmacSha256(key);
            _writer = new AsciiWriter(_buffer);
        }

        /// <summary>The last message built (valid up to <see cref="Length"/>).</summary>
        public byte[] Message
        {
            get { return _buffer; }
        }

        /// <summary>Length of the last message built; 0 if it did not fit.</summary>
        public int Length { get; private set; }

        /// <summary>
        /// Builds a message: sequence number, UTC of the reading (ticks), time status ('S' or 'U'), interval (s),
        /// active power (mW, import positive), the time the energies cover (ms), the energies imported and exported
        /// since the previous message (µWh), and the cumulative registers (µWh). Returns the length, 0 if it overflowed.
        /// </summary>
        public int Build(long sequence, long utcTicks, char timeStatus, int intervalSeconds, long powerMilliwatts, long coveredMilliseconds,
            long importMicrowattHours, long exportMicrowattHours, long importRegisterMicrowattHours, long exportRegisterMicrowattHours)
        {
            AsciiWriter w = _writer;
            w.Reset();
            w.Raw(Magic);
            int payloadStart = w.Length;
            w.Raw("{\"v\":1,\"ms\":");
            w.JsonString(_serial);
            w.Raw(",\"seq\":");
            w.Integer(sequence);
            w.Raw(",\"utc\":\"");
            UtcText.Write(w, utcTicks);
            w.Raw("\",\"ts\":\"");
            w.Char(timeStatus);
            w.Raw("\",\"int\":");
            w.Integer(intervalSeconds);
            w.Raw(",\"p_mw\":");
            w.Integer(powerMilliwatts);
            w.Raw(",\"dt_ms\":");
            w.Integer(coveredMilliseconds);
            w.Raw(",\"ei_uwh\":");
            w.Integer(importMicrowattHours);
            w.Raw(",\"ee_uwh\":");
            w.Integer(exportMicrowattHours);
            w.Raw(",\"ri_uwh\":");
            w.Integer(importRegisterMicrowattHours);
            w.Raw(",\"re_uwh\":");
            w.Integer(exportRegisterMicrowattHours);
            w.Char('}');
            int payloadLength = w.Length - payloadStart;
            if (w.Overflowed)
            {
                Length = 0;
                return 0;
            }

            _hmac.Initialize();
            _hmac.Update(_buffer, payloadStart, payloadLength);
            _hmac.Final(_mac, 0);
            w.Char('|');
            w.HexBytes(_mac, 0, _mac.Length);
            Length = w.Overflowed ? 0 : w.Length;
            return Length;
        }
    }
}
