using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Reference;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;

namespace AssetMeter.Bench.Emulated
{
    /// <summary>
    /// An emulated meter read at its IC: the real driver reads the chip's energy registers every simulated second
    /// (<see cref="Poll"/>) and the metrology core decodes them into an exact register, as the firmware does; a
    /// calibration record is written to the chip directly. No signatures: this channel tests the metrology alone.
    /// </summary>
    public sealed class IcMeterUnderTest : IMeterUnderTest
    {
        private readonly IEnergyIc _ic;
        private readonly object _gate;
        private readonly EnergyReading _reading = new();
        private readonly EnergyDeltaDecoder _decoder;
        private readonly EnergyRegister _import;
        private string _lastRaw = "no read yet";
        private string? _fault;

        public IcMeterUnderTest(IEnergyIc ic, object gate, string serial)
        {
            _ic = ic;
            _gate = gate;
            _decoder = new EnergyDeltaDecoder(ic.EnergyRegisterKind, ic.Scale, EnergyDeltaDecoder.Type5MaximumDemandWatts);
            _import = new EnergyRegister(ic.Scale, 0);
            Serial = serial;
            Poll(0);
        }

        public string Serial { get; }

        public string Channel => $"{_ic.PartName} energy registers read directly by the driver (emulated IC)";

        public double ResolutionWattHours => (double)_ic.Scale.MicrowattHoursPerCountNumerator / _ic.Scale.MicrowattHoursPerCountDenominator / 1e6;

        public bool CountsPulses => false;

        public bool CanCalibrate => true;

        /// <summary>The register so far, µWh (call under the simulation's lock).</summary>
        public long ImportMicrowattHours => _import.MicrowattHours;

        /// <summary>Reads and decodes the energy registers; <paramref name="elapsedTicks"/> since the last poll.</summary>
        public void Poll(long elapsedTicks)
        {
            IcStatus status = _ic.ReadEnergy(_reading);
            if (status != IcStatus.Ok)
            {
                _fault = $"{_ic.PartName} read failed: {status}";
                return;
            }

            EnergyDelta delta = _ic.EnergyRegisterKind == RegisterKind.Unsigned16ClearOnRead
                ? _decoder.DecodeUnsigned16Pair(_reading.ForwardRaw, _reading.ReverseRaw, elapsedTicks)
                : _decoder.DecodeSigned24(_reading.NetRaw, elapsedTicks);
            _import.AddCounts(delta.ImportCounts);
            _lastRaw = string.Create(CultureInfo.InvariantCulture, $"{_ic.PartName} raw net {_reading.NetRaw} forward {_reading.ForwardRaw}; register {_import.MicrowattHours} µWh");
        }

        public Task<MeterInfo> IdentifyAsync(CancellationToken cancel)
        {
            lock (_gate)
            {
                return Task.FromResult(new MeterInfo(Serial, "AM-T5-" + _ic.PartName, "n/a (IC read directly)", "n/a", null, _ic.Calibration.Version));
            }
        }

        public Task<MeterReading> ReadAsync(CancellationToken cancel)
        {
            lock (_gate)
            {
                if (_fault != null)
                {
                    string fault = _fault;
                    _fault = null;
                    throw new BenchReadException("meter under test: " + fault);
                }

                return Task.FromResult(new MeterReading(_import.MicrowattHours, null, _lastRaw, "IC registers"));
            }
        }

        public Task<string> CalibrateAsync(CalibrationRecord record, CancellationToken cancel)
        {
            lock (_gate)
            {
                IcStatus status = _ic.ApplyCalibration(record);
                if (status != IcStatus.Ok)
                {
                    throw new BenchReadException($"{_ic.PartName} refused calibration version {record.Version}: {status}");
                }

                return Task.FromResult($"{_ic.PartName}: calibration version {record.Version} written and verified");
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
