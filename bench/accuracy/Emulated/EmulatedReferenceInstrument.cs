using System;
using System.Collections.Generic;
using AssetMeter.Bench.Modbus;
using AssetMeter.Bench.Reference;
using AssetMeter.Hardware.Emulation;

namespace AssetMeter.Bench.Emulated
{
    /// <summary>
    /// An emulated reference meter (Eastron SDM or Carlo Gavazzi EM24) in series with the meter under test: it
    /// integrates the same load with its own small errors (a class 0.5 instrument: gain, phase, noise), and shows
    /// its registers as the real model does (float32 kWh high word first, or INT32 0.1 kWh low word first), its energy
    /// register stepping in <see cref="RegisterStepWattHours"/>, and a pulse output.
    /// </summary>
    public sealed class EmulatedReferenceInstrument
    {
        private readonly Random _noise;
        private double _seconds;
        private double _volts;
        private double _amps;
        private double _watts;
        private double _powerFactor = 1.0;
        private double _hertz = 50.0;

        public EmulatedReferenceInstrument(ReferenceModel model, uint serial, int seed)
        {
            Model = model;
            Serial = serial;
            _noise = new Random(seed);
        }

        public ReferenceModel Model { get; }

        public uint Serial { get; }

        /// <summary>Relative gain error (well inside class 0.5).</summary>
        public double GainError { get; init; } = 0.0008;

        /// <summary>Extra current lag, degrees.</summary>
        public double PhaseErrorDegrees { get; init; } = 0.02;

        /// <summary>Power noise per second, relative.</summary>
        public double RelativeNoise { get; init; } = 0.0002;

        /// <summary>How finely its energy register steps, Wh.</summary>
        public double RegisterStepWattHours { get; init; } = 1.0;

        public double ImportWattHours { get; private set; }

        public double ExportWattHours { get; private set; }

        /// <summary>Integrates the load from where it last was to <paramref name="seconds"/> (simulated), in steps of at most one second.</summary>
        public void AdvanceTo(LoadScenario load, double seconds)
        {
            while (_seconds < seconds)
            {
                double step = Math.Min(Math.Min(seconds, load.NextChangeAfter(_seconds)) - _seconds, 1.0);
                double watts = 0;
                double volts = 0;
                double amps = 0;
                double apparent = 0;
                for (int phase = 0; phase < load.PhaseCount; phase++)
                {
                    PhaseLoad p = load.At(_seconds, phase);
                    double angle = (p.LoadAngleDegrees + PhaseErrorDegrees) * Math.PI / 180.0;
                    watts += p.CurrentRms == 0 ? 0.0 : (1.0 + GainError) * p.VoltageRms * p.CurrentRms * Math.Cos(angle) * (1.0 + (RelativeNoise * Gaussian()));
                    apparent += p.VoltageRms * p.CurrentRms;
                    if (phase == 0)
                    {
                        volts = p.VoltageRms;
                        amps = p.CurrentRms;
                        _hertz = p.FrequencyHz;
                    }
                }

                double wattHours = watts * step / 3600.0;
                if (wattHours >= 0)
                {
                    ImportWattHours += wattHours;
                }
                else
                {
                    ExportWattHours -= wattHours;
                }

                (_volts, _amps, _watts) = (volts, amps, watts);
                _powerFactor = apparent == 0 ? 1.0 : watts / apparent;
                _seconds += step;
            }
        }

        /// <summary>Pulses of its pulse output so far.</summary>
        public long Pulses(double impulsesPerKilowattHour) => (long)Math.Floor(ImportWattHours * impulsesPerKilowattHour / 1000.0);

        /// <summary>The input registers (FC04) as the model maps them; a register outside the map gives exception 2.</summary>
        public ushort[] InputRegisters(int address, int count)
        {
            var words = new Dictionary<int, ushort>();
            if (Model.Encoding == EnergyEncoding.Float32KilowattHours)
            {
                // The first block of an SDM's input registers is contiguous floats (phases 2 and 3 read 0 here).
                for (int register = 0; register < 0x004C; register += 2)
                {
                    Float(words, register, 0.0);
                }

                Float(words, Model.VoltageRegister, _volts);
                Float(words, Model.CurrentRegister, _amps);
                Float(words, Model.PowerRegister, _watts);
                Float(words, Model.PowerFactorRegister, _powerFactor);
                Float(words, Model.FrequencyRegister, _hertz);
                Float(words, Model.ImportRegister, Stepped(ImportWattHours) / 1000.0);
                Float(words, Model.ExportRegister, Stepped(ExportWattHours) / 1000.0);
            }
            else
            {
                Int(words, Model.ImportRegister, (int)Math.Floor(ImportWattHours / 100.0));
                Int(words, Model.ExportRegister, (int)Math.Floor(ExportWattHours / 100.0));
            }

            return Pick(words, address, count);
        }

        /// <summary>The holding registers (FC03): the serial number where the model has one.</summary>
        public ushort[] HoldingRegisters(int address, int count)
        {
            var words = new Dictionary<int, ushort>();
            if (Model.SerialRegister >= 0)
            {
                words[Model.SerialRegister] = (ushort)(Serial >> 16);
                words[Model.SerialRegister + 1] = (ushort)Serial;
            }

            return Pick(words, address, count);
        }

        private double Stepped(double wattHours) => Math.Floor(wattHours / RegisterStepWattHours) * RegisterStepWattHours;

        private static ushort[] Pick(Dictionary<int, ushort> words, int address, int count)
        {
            var result = new ushort[count];
            for (int i = 0; i < count; i++)
            {
                if (!words.TryGetValue(address + i, out result[i]))
                {
                    throw new ModbusException(ModbusFailure.ExceptionResponse, $"register 0x{address + i:X4} is not mapped", 2);
                }
            }

            return result;
        }

        private static void Float(Dictionary<int, ushort> words, int register, double value)
        {
            if (register >= 0)
            {
                (ushort first, ushort second) = ModbusWords.FromFloat32((float)value);
                words[register] = first;
                words[register + 1] = second;
            }
        }

        private static void Int(Dictionary<int, ushort> words, int register, int value)
        {
            (ushort first, ushort second) = ModbusWords.FromInt32LowWordFirst(value);
            words[register] = first;
            words[register + 1] = second;
        }

        private double Gaussian()
        {
            double u1 = 1.0 - _noise.NextDouble();
            double u2 = _noise.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}
