using System;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Measurement;
using AssetMeter.Bench.Plan;

namespace AssetMeter.Bench.Run
{
    /// <summary>The test source (voltage and current generator) that loads the meter and the reference in series.</summary>
    public interface ILoadSource
    {
        string Description { get; }

        /// <summary>Applies voltage, current and angle to every element.</summary>
        Task ApplyAsync(LoadSetting load, CancellationToken cancel);

        /// <summary>Current off, voltage kept at <paramref name="volts"/> (the meter stays powered).</summary>
        Task CurrentOffAsync(double volts, CancellationToken cancel);
    }

    /// <summary>The bench's clock: real time, or the emulated bench's accelerated simulated time.</summary>
    public interface IBenchClock
    {
        DateTime UtcNow { get; }

        /// <summary>Waits <paramref name="duration"/> of bench time.</summary>
        Task WaitAsync(TimeSpan duration, CancellationToken cancel);
    }

    /// <summary>Real time.</summary>
    public sealed class SystemBenchClock : IBenchClock
    {
        public DateTime UtcNow => DateTime.UtcNow;

        public Task WaitAsync(TimeSpan duration, CancellationToken cancel) => Task.Delay(duration, cancel);
    }

    /// <summary>What the runner tells a progress display.</summary>
    public interface IBenchProgress
    {
        void RunStarted(string label, int points);

        void PointStarted(int index, PointResult point);

        /// <summary>Fraction (0 to 1) of the point's time done, and what is happening.</summary>
        void PointProgress(int index, double fraction, string activity);

        void PointFinished(int index, PointResult point);
    }

    /// <summary>No display.</summary>
    public sealed class NoProgress : IBenchProgress
    {
        public static readonly NoProgress Instance = new();

        public void RunStarted(string label, int points)
        {
        }

        public void PointStarted(int index, PointResult point)
        {
        }

        public void PointProgress(int index, double fraction, string activity)
        {
        }

        public void PointFinished(int index, PointResult point)
        {
        }
    }

    /// <summary>A source set by hand: the bench asks the engineer and waits for Enter.</summary>
    public sealed class ManualLoadSource : ILoadSource
    {
        private readonly Func<string, Task> _ask;

        public ManualLoadSource(Func<string, Task> ask) => _ask = ask;

        public string Description => "set by hand at the bench's prompts";

        public Task ApplyAsync(LoadSetting load, CancellationToken cancel)
            => _ask(FormattableString.Invariant($"Set the source to {load.VoltageRms:0.##} V, {load.CurrentRms:0.####} A, load angle {load.LoadAngleDegrees:0.##}° (PF {load.PowerFactor:0.###}) and press Enter"));

        public Task CurrentOffAsync(double volts, CancellationToken cancel)
            => _ask(FormattableString.Invariant($"Switch the current off (keep {volts:0.##} V on) and press Enter"));
    }
}
