using System;
using System.Security.Cryptography;
using System.Text;

namespace AssetMeter.Collector.Operational
{
    /// <summary>
    /// The collector's own computation of a meter's stagger offset, from docs/protocol.md ("Operational metering"):
    /// the first four bytes of SHA-256 of the import AMSID, big-endian, give 1 + (h mod (N - 1)) seconds for N ≥ 2
    /// and 0 for N = 1. With it the collector knows in which second each meter is due, and can tell a meter that is
    /// off its stagger.
    /// </summary>
    public static class OperationalStagger
    {
        public static int OffsetSeconds(string amsid, int intervalSeconds)
        {
            if (intervalSeconds <= 1)
            {
                return 0;
            }

            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(amsid));
            uint h = ((uint)digest[0] << 24) | ((uint)digest[1] << 16) | ((uint)digest[2] << 8) | digest[3];
            return 1 + (int)(h % (uint)(intervalSeconds - 1));
        }

        /// <summary>
        /// True when a reading taken at <paramref name="meterUtc"/> falls in the meter's second of its interval, or the
        /// second after (the meter reads once a second; a read that failed in its second makes the next one send).
        /// </summary>
        public static bool OnSchedule(string amsid, int intervalSeconds, DateTime meterUtc)
        {
            long unixSeconds = (meterUtc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
            long late = ((unixSeconds - OffsetSeconds(amsid, intervalSeconds)) % intervalSeconds + intervalSeconds) % intervalSeconds;
            return late <= 1;
        }
    }
}
