using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Firmware.Clock
{
    /// <summary>Why an SNTP reply was or was not accepted (RFC 4330 §5 client checks).</summary>
    public enum SntpStatus
    {
        /// <summary>Accepted.</summary>
        Ok = 0,

        /// <summary>Fewer than 48 bytes.</summary>
        TooShort = 1,

        /// <summary>Not a server reply (mode 4) or an unknown version.</summary>
        NotServerReply = 2,

        /// <summary>The server is not synchronised itself (leap indicator 3).</summary>
        ServerUnsynchronised = 3,

        /// <summary>Kiss-o'-death (stratum 0): the server asks us to stop or go away.</summary>
        KissOfDeath = 4,

        /// <summary>Stratum above 15.</summary>
        BadStratum = 5,

        /// <summary>The reply's originate timestamp is not our request's transmit timestamp: a stale, duplicated or forged reply.</summary>
        OriginateMismatch = 6,

        /// <summary>The server's receive or transmit timestamp is zero, or transmit precedes receive.</summary>
        BadTimestamps = 7,

        /// <summary>No reply within the timeout, or the network failed.</summary>
        NoReply = 8,
    }

    /// <summary>
    /// One accepted SNTP exchange, timed on the monotonic counter rather than the disciplined clock, so that it can
    /// be taken on one thread and applied on another: T1 and T4 are monotonic ticks.
    /// </summary>
    public struct SntpSample
    {
        /// <summary>True UTC minus the monotonic counter at the exchange, ticks: ((T2 - T1) + (T3 - T4)) / 2.</summary>
        public long UtcMinusMonotonicTicks;

        /// <summary>Round-trip delay, ticks: (T4 - T1) - (T3 - T2).</summary>
        public long DelayTicks;

        /// <summary>Server stratum (1 = primary).</summary>
        public int Stratum;

        /// <summary>Server's root delay plus root dispersion, ticks: its own error bound to the primary reference.</summary>
        public long RootDistanceTicks;

        /// <summary>Monotonic ticks at the middle of the exchange (the instant the offset refers to).</summary>
        public long MonotonicTicks;

        /// <summary>Error bound of this sample: half the round trip plus the server's root distance.</summary>
        public long ErrorBoundTicks
        {
            get { return (DelayTicks / 2) + RootDistanceTicks; }
        }
    }

    /// <summary>SNTP version 4 request and reply (RFC 4330), on a caller-owned 48-byte buffer.</summary>
    public static class SntpPacket
    {
        /// <summary>Length of an SNTP message without extensions.</summary>
        public const int Length = 48;

        private const int OriginateOffset = 24;
        private const int ReceiveOffset = 32;
        private const int TransmitOffset = 40;

        /// <summary>
        /// Fills a client request. Its transmit timestamp is <paramref name="nonce"/> written as is: RFC 4330 lets a
        /// client put anything there, and the server echoes it as the reply's originate timestamp, which is how a
        /// stale or forged reply is recognised.
        /// </summary>
        public static void BuildRequest(byte[] buffer, long nonce)
        {
            for (int i = 0; i < Length; i++)
            {
                buffer[i] = 0;
            }

            // LI 0, version 4, mode 3 (client).
            buffer[0] = (0 << 6) | (4 << 3) | 3;
            BigEndian.WriteInt64(buffer, TransmitOffset, nonce);
        }

        /// <summary>
        /// Checks a reply to <paramref name="request"/> sent at monotonic <paramref name="t1Monotonic"/> and received at
        /// <paramref name="t4Monotonic"/>, and computes UTC minus monotonic time and the round-trip delay.
        /// </summary>
        public static SntpStatus ParseReply(byte[] reply, int length, byte[] request, long t1Monotonic, long t4Monotonic, out SntpSample sample)
        {
            sample = new SntpSample();
            if (length < Length)
            {
                return SntpStatus.TooShort;
            }

            int leap = reply[0] >> 6;
            int version = (reply[0] >> 3) & 7;
            int mode = reply[0] & 7;
            if (mode != 4 || version < 3 || version > 4)
            {
                return SntpStatus.NotServerReply;
            }

            int stratum = reply[1];
            if (stratum == 0)
            {
                return SntpStatus.KissOfDeath;
            }

            if (leap == 3)
            {
                return SntpStatus.ServerUnsynchronised;
            }

            if (stratum > 15)
            {
                return SntpStatus.BadStratum;
            }

            if (!NtpTimestamp.SameBytes(reply, OriginateOffset, request, TransmitOffset))
            {
                return SntpStatus.OriginateMismatch;
            }

            long t2 = NtpTimestamp.Read(reply, ReceiveOffset);
            long t3 = NtpTimestamp.Read(reply, TransmitOffset);
            if (t2 == 0 || t3 == 0 || t3 < t2)
            {
                return SntpStatus.BadTimestamps;
            }

            // Root delay and dispersion are NTP short format: 16.16 seconds.
            long rootDelay = ShortFormatTicks(BigEndian.ReadUInt32(reply, 4));
            long rootDispersion = ShortFormatTicks(BigEndian.ReadUInt32(reply, 8));

            sample.UtcMinusMonotonicTicks = ((t2 - t1Monotonic) + (t3 - t4Monotonic)) / 2;
            sample.DelayTicks = (t4Monotonic - t1Monotonic) - (t3 - t2);
            sample.MonotonicTicks = t1Monotonic + ((t4Monotonic - t1Monotonic) / 2);
            if (sample.DelayTicks < 0)
            {
                sample.DelayTicks = 0;
            }

            sample.Stratum = stratum;
            sample.RootDistanceTicks = (rootDelay / 2) + rootDispersion;
            return SntpStatus.Ok;
        }

        private static long ShortFormatTicks(uint value)
        {
            return ((long)value * 10000000) >> 16;
        }
    }
}
