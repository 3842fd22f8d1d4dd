using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Pulse;

namespace AssetMeter.Bench.Reference
{
    /// <summary>A reference meter read through its pulse output: energy = pulses x 1000 / constant Wh.</summary>
    public sealed class PulseReferenceMeter : IReferenceMeter
    {
        private readonly IPulseSource _pulses;
        private readonly double _constant;

        public PulseReferenceMeter(IPulseSource pulses, double impulsesPerKilowattHour, string model, string serial, ReferenceAccuracy accuracy)
        {
            if (!(impulsesPerKilowattHour > 0))
            {
                throw new ArgumentOutOfRangeException(nameof(impulsesPerKilowattHour), "the reference's pulse constant (imp/kWh) must be given");
            }

            _pulses = pulses;
            _constant = impulsesPerKilowattHour;
            Identity = new ReferenceIdentity(model, serial, string.Create(CultureInfo.InvariantCulture, $"pulse output {impulsesPerKilowattHour:0.###} imp/kWh on {pulses.Description}"), accuracy);
        }

        public ReferenceIdentity Identity { get; }

        public bool CountsPulses => true;

        public double ResolutionWattHours => 1000.0 / _constant;

        public Task<ReferenceReading> ReadAsync(DateTime utc, CancellationToken cancel)
        {
            long count = _pulses.Count;
            double wattHours = count * 1000.0 / _constant;
            return Task.FromResult(new ReferenceReading(wattHours, ResolutionWattHours, string.Create(CultureInfo.InvariantCulture, $"{count} pulses at {_constant:0.###} imp/kWh"), utc));
        }

        public Task<ReferenceInstantaneous?> ReadInstantaneousAsync(CancellationToken cancel) => Task.FromResult<ReferenceInstantaneous?>(null);

        public void Dispose() => _pulses.Dispose();
    }
}
