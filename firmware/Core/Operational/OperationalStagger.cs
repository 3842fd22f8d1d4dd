using AssetMeter.Firmware.Crypto;

namespace AssetMeter.Firmware.Operational
{
    /// <summary>
    /// When in its interval a meter sends its operational reading: a per-meter offset derived from its import AMSID,
    /// so that a fleet on the same interval spreads its messages over the interval instead of sending them all in the
    /// same second (CrowdFlex, seed 002: "randomly assigned between 1-59" for one-minute reads), and every meter keeps
    /// the same offset for life without storing anything.
    /// </summary>
    /// <remarks>
    /// The rule is part of the wire contract (docs/protocol.md, "Operational metering"), so a collector can tell when
    /// each meter is due: h = the first four bytes of SHA-256(AMSID as ASCII), big-endian, unsigned; the offset is
    /// 1 + (h mod (N - 1)) seconds for an interval of N ≥ 2 seconds, and 0 for N = 1. Second 0 is never used when
    /// N ≥ 2: it is the second in which half-hour periods close and their records are sent.
    /// </remarks>
    public static class OperationalStagger
    {
        /// <summary>The offset, in seconds (0 to N - 1), of the meter whose import AMSID is <paramref name="amsid"/>.</summary>
        public static int OffsetSeconds(string amsid, int intervalSeconds)
        {
            if (intervalSeconds <= 1)
            {
                return 0;
            }

            byte[] text = new byte[amsid.Length];
            for (int i = 0; i < text.Length; i++)
            {
                text[i] = (byte)amsid[i];
            }

            byte[] digest = new byte[Sha256.HashSizeBytes];
            Sha256.Hash(text, 0, text.Length, digest, 0);
            uint h = ((uint)digest[0] << 24) | ((uint)digest[1] << 16) | ((uint)digest[2] << 8) | digest[3];
            return 1 + (int)(h % (uint)(intervalSeconds - 1));
        }
    }
}
