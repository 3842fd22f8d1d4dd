using System;
using System.Diagnostics;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// The collector's clock: real time running from just after a half-hour boundary the fleet publishes for,
    /// whenever the benchmark happens to run, moved on to the next boundary before the fleet publishes for it.
    /// Without it a run late in a half hour would find the records overdue (past the supervisor's gap grace), and
    /// boundaries a few seconds apart would meet the supervisor's one acknowledgement a minute per meter: neither
    /// happens to a fleet whose boundaries are half an hour apart.
    /// </summary>
    internal sealed class BoundaryClock : TimeProvider
    {
        private readonly object _gate = new();
        private DateTimeOffset _start;
        private Stopwatch _elapsed;

        public BoundaryClock(DateTime boundaryUtc)
        {
            _start = Start(boundaryUtc);
            _elapsed = Stopwatch.StartNew();
        }

        /// <summary>Moves the clock to just after <paramref name="boundaryUtc"/> (forwards only, as time goes).</summary>
        public void MoveTo(DateTime boundaryUtc)
        {
            lock (_gate)
            {
                DateTimeOffset start = Start(boundaryUtc);
                if (start <= _start + _elapsed.Elapsed)
                {
                    throw new InvalidOperationException("the boundary clock only goes forwards");
                }

                _start = start;
                _elapsed = Stopwatch.StartNew();
            }
        }

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate)
            {
                return _start + _elapsed.Elapsed;
            }
        }

        private static DateTimeOffset Start(DateTime boundaryUtc) => new(boundaryUtc.AddSeconds(1), TimeSpan.Zero);
    }
}
