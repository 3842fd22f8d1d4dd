using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Pulse;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Bench.MeterUnderTest
{
    /// <summary>
    /// The meter under test counted by its test output (LED seen by a scanning head, or the IC's CF pin): energy =
    /// pulses x 1000 / constant Wh. Its identity is what the engineer states; it cannot be calibrated this way.
    /// </summary>
    public sealed class PulseMeterUnderTest : IMeterUnderTest
    {
        private readonly IPulseSource _pulses;
        private readonly double _constant;
        private readonly MeterInfo _info;

        public PulseMeterUnderTest(IPulseSource pulses, double impulsesPerKilowattHour, MeterInfo info)
        {
            _pulses = pulses;
            _constant = impulsesPerKilowattHour;
            _info = info;
        }

        public string Channel => string.Create(CultureInfo.InvariantCulture, $"test output {_constant:0.###} imp/kWh on {_pulses.Description}");

        public double ResolutionWattHours => 1000.0 / _constant;

        public bool CountsPulses => true;

        public bool CanCalibrate => false;

        public Task<MeterInfo> IdentifyAsync(CancellationToken cancel) => Task.FromResult(_info);

        public Task<MeterReading> ReadAsync(CancellationToken cancel)
        {
            long count = _pulses.Count;
            long microwattHours = (long)System.Math.Round(count * 1e9 / _constant);
            return Task.FromResult(new MeterReading(microwattHours, null, string.Create(CultureInfo.InvariantCulture, $"{count} pulses at {_constant:0.###} imp/kWh"), "pulses counted"));
        }

        public Task<string> CalibrateAsync(CalibrationRecord record, CancellationToken cancel)
            => throw new System.InvalidOperationException("a meter counted by its test output cannot be calibrated from the bench: read it through MQTT");

        public ValueTask DisposeAsync()
        {
            _pulses.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
