using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Clock
{
    /// <summary>
    /// NTP 64-bit timestamps (seconds since 1900 and a 32-bit binary fraction, RFC 4330 §3) to and from DateTime
    /// ticks (100 ns since 0001-01-01 UTC), with the 2036 era rule: a timestamp whose top bit is clear is counted
    /// from 2036-02-07T06:28:16Z.
    /// </summary>
    public static class NtpTimestamp
    {
        /// <summary>DateTime ticks of 1900-01-01T00:00:00Z (NTP era 0).</summary>
        public const long Era0Ticks = 599266080000000000;

        /// <summary>DateTime ticks of 2036-02-07T06:28:16Z (NTP era 1, where the 32-bit seconds wrap).</summary>
        public const long Era1Ticks = Era0Ticks + (4294967296L * TicksPerSecond);

        private const long TicksPerSecond = 10000000;

        /// <summary>Writes the timestamp of <paramref name="utcTicks"/> at <paramref name="offset"/>.</summary>
        public static void Write(byte[] buffer, int offset, long utcTicks)
        {
            long since = utcTicks >= Era1Ticks ? utcTicks - Era1Ticks : utcTicks - Era0Ticks;
            uint seconds = (uint)(since / TicksPerSecond);
            long remainderTicks = since % TicksPerSecond;

            // fraction = remainder / 1e7 * 2^32, rounded down.
            uint fraction = (uint)((remainderTicks << 32) / TicksPerSecond);
            BigEndian.WriteUInt32(buffer, offset, seconds);
            BigEndian.WriteUInt32(buffer, offset + 4, fraction);
        }

        /// <summary>Reads the timestamp at <paramref name="offset"/> as DateTime ticks; 0 for the all-zero "no time" value.</summary>
        public static long Read(byte[] buffer, int offset)
        {
            uint seconds = BigEndian.ReadUInt32(buffer, offset);
            uint fraction = BigEndian.ReadUInt32(buffer, offset + 4);
            if (seconds == 0 && fraction == 0)
            {
                return 0;
            }

            long era = (seconds & 0x80000000) != 0 ? Era0Ticks : Era1Ticks;
            long fractionTicks = ((long)fraction * TicksPerSecond) >> 32;
            return era + ((long)seconds * TicksPerSecond) + fractionTicks;
        }

        /// <summary>True when the eight bytes at <paramref name="offset"/> equal those at <paramref name="otherOffset"/> of <paramref name="other"/>.</summary>
        public static bool SameBytes(byte[] buffer, int offset, byte[] other, int otherOffset)
        {
            for (int i = 0; i < 8; i++)
            {
                if (buffer[offset + i] != other[otherOffset + i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
