using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Modbus;

namespace AssetMeter.Bench.Reference
{
    /// <summary>A reference meter read over Modbus (RTU or TCP) by its model's register map.</summary>
    public sealed class ModbusReferenceMeter : IReferenceMeter
    {
        private readonly ModbusClient _client;
        private readonly IModbusTransport _transport;
        private readonly ReferenceModel _model;

        /// <summary>Reads the serial number from the meter where the model has one (else <paramref name="serial"/> stands).</summary>
        public ModbusReferenceMeter(ReferenceModel model, IModbusTransport transport, byte unit, ReferenceAccuracy accuracy, string? serial = null, double? resolutionWattHours = null)
        {
            _model = model;
            _transport = transport;
            _client = new ModbusClient(transport, unit);
            ResolutionWattHours = resolutionWattHours ?? model.DefaultResolutionWattHours;
            string read = serial ?? ReadSerial() ?? "unknown (give --reference-serial)";
            Identity = new ReferenceIdentity(model.Name, read, $"Modbus {_client.Description}, FC{model.Function:X2} import register 0x{model.ImportRegister:X4}", accuracy);
        }

        public ReferenceIdentity Identity { get; }

        public bool CountsPulses => false;

        public double ResolutionWattHours { get; }

        public ModbusClient Client => _client;

        public Task<ReferenceReading> ReadAsync(DateTime utc, CancellationToken cancel) => Task.Run(() => Read(utc), cancel);

        public Task<ReferenceInstantaneous?> ReadInstantaneousAsync(CancellationToken cancel) => Task.Run(ReadInstantaneous, cancel);

        private ReferenceReading Read(DateTime utc)
        {
            ushort[] words;
            try
            {
                words = _client.Read(_model.Function, _model.ImportRegister, 2);
            }
            catch (ModbusException e)
            {
                throw new BenchReadException($"reference {_model.Name}: {e.Message}", e);
            }

            double wattHours = _model.DecodeEnergyWattHours(words[0], words[1]);
            if (double.IsNaN(wattHours) || double.IsInfinity(wattHours) || wattHours < 0)
            {
                throw new BenchReadException($"reference {_model.Name}: import register reads {wattHours} (words {words[0]:X4} {words[1]:X4}), not an energy");
            }

            double resolution = Math.Max(ResolutionWattHours, _model.StepAt(wattHours));
            string raw = string.Create(CultureInfo.InvariantCulture, $"FC{_model.Function:X2} 0x{_model.ImportRegister:X4} = {words[0]:X4} {words[1]:X4} -> {wattHours:0.######} Wh");
            return new ReferenceReading(wattHours, resolution, raw, utc);
        }

        private ReferenceInstantaneous? ReadInstantaneous()
        {
            if (!_model.HasInstantaneous)
            {
                return null;
            }

            try
            {
                return new ReferenceInstantaneous(Float(_model.VoltageRegister), Float(_model.CurrentRegister), Float(_model.PowerRegister),
                    Float(_model.PowerFactorRegister), Float(_model.FrequencyRegister));
            }
            catch (ModbusException)
            {
                return null;
            }
        }

        private double Float(int register)
        {
            ushort[] words = _client.ReadInputRegisters(register, 2);
            return ModbusWords.Float32HighWordFirst(words[0], words[1]);
        }

        private string? ReadSerial()
        {
            if (_model.SerialRegister < 0)
            {
                return null;
            }

            try
            {
                ushort[] words = _client.ReadHoldingRegisters(_model.SerialRegister, 2);
                return ModbusWords.UInt32HighWordFirst(words[0], words[1]).ToString(CultureInfo.InvariantCulture);
            }
            catch (ModbusException)
            {
                return null;
            }
        }

        public void Dispose() => _transport.Dispose();
    }
}
