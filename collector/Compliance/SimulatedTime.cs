using System;
using System.Threading;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>The simulation's UTC, as a <see cref="TimeProvider"/> for the collector: it reads the clock the meters live by.</summary>
    public sealed class SimulatedTime : TimeProvider
    {
        private long _utcTicks;

        public SimulatedTime(DateTime startUtc)
        {
            _utcTicks = startUtc.Ticks;
        }

        public DateTime UtcNow => new(Interlocked.Read(ref _utcTicks), DateTimeKind.Utc);

        public void Set(DateTime utc) => Interlocked.Exchange(ref _utcTicks, utc.Ticks);

        public override DateTimeOffset GetUtcNow() => new(UtcNow);
    }
}
