namespace AssetMeter.Firmware.Clock
{
    /// <summary>
    /// Asks SNTP servers for the time (RFC 4330, unicast client mode) and keeps the best of a short burst: the
    /// sample with the smallest round trip has the smallest error. Runs on the shell's network thread; its
    /// samples are timed on the monotonic counter and applied to the <see cref="ClockDiscipline"/> by the meter.
    /// </summary>
    public sealed class SntpClient
    {
        /// <summary>Queries per burst.</summary>
        public const int BurstLength = 4;

        private readonly IMonotonicClock _monotonic;
        private readonly byte[] _request = new byte[SntpPacket.Length];
        private readonly byte[] _reply = new byte[68];
        private long _nonce;

        /// <summary>Creates a client timing its exchanges on <paramref name="monotonic"/>.</summary>
        public SntpClient(IMonotonicClock monotonic)
        {
            _monotonic = monotonic;
            _nonce = monotonic.Ticks;
        }

        /// <summary>Status of the last query.</summary>
        public SntpStatus LastStatus { get; private set; }

        /// <summary>One exchange with <paramref name="server"/>.</summary>
        public SntpStatus Query(IUdpClient server, int timeoutMilliseconds, out SntpSample sample)
        {
            sample = new SntpSample();
            _nonce++;
            SntpPacket.BuildRequest(_request, _nonce);
            long t1 = _monotonic.Ticks;
            if (!server.Send(_request, SntpPacket.Length))
            {
                LastStatus = SntpStatus.NoReply;
                return LastStatus;
            }

            int length = server.Receive(_reply, timeoutMilliseconds);
            long t4 = _monotonic.Ticks;
            LastStatus = length < 0 ? SntpStatus.NoReply : SntpPacket.ParseReply(_reply, length, _request, t1, t4, out sample);
            return LastStatus;
        }

        /// <summary>A burst of queries to <paramref name="server"/>; true with the lowest-delay sample if any was accepted.</summary>
        public bool Burst(IUdpClient server, int timeoutMilliseconds, out SntpSample best)
        {
            best = new SntpSample();
            bool found = false;
            for (int i = 0; i < BurstLength; i++)
            {
                SntpSample sample;
                SntpStatus status = Query(server, timeoutMilliseconds, out sample);
                if (status == SntpStatus.KissOfDeath)
                {
                    break;
                }

                if (status == SntpStatus.Ok && (!found || sample.DelayTicks < best.DelayTicks))
                {
                    best = sample;
                    found = true;
                }
            }

            return found;
        }
    }
}
