using System;

namespace AssetMeter.Bench.Pulse
{
    /// <summary>A counted pulse output: a reference meter's, or the meter under test's test LED seen by a scanning head.</summary>
    public interface IPulseSource : IDisposable
    {
        /// <summary>Where the pulses come from ("GPIO gpiochip0 line 17, falling edges").</summary>
        string Description { get; }

        /// <summary>Pulses counted since the source was opened.</summary>
        long Count { get; }
    }
}
