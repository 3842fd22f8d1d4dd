using System;
using AssetMeter.Hardware.Bus;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// A register-accurate ATM90E32AS behind its SPI interface, driven by a load scenario: the register file with
    /// its reset values, configuration-access gating, LastSPIData, soft reset, the configuration CRC, 16-bit
    /// energy registers cleared by each read, and measurement registers reflecting the load.
    /// </summary>
    /// <remarks>
    /// Written from the datasheet facts and the assumptions listed in hardware/Atm90e32/README.md, separately from
    /// the driver: its register table, CRC (table-driven) and calibration decoding do not use driver code.
    /// <list type="bullet">
    /// <item>Framing: a frame is 4 bytes with chip select held; byte 0 bit 7 is the read flag, the address is 10
    /// bits, the data word follows MSB first. Shorter frames are ignored (chip select rose early).</item>
    /// <item>LastSPIData holds the data word of the last frame: the value sent for a read, the value received for
    /// a write (even one the chip ignored); a read of LastSPIData leaves it as it is.</item>
    /// <item>Writes to registers 0x00-0x6F land only while CfgRegAccEn = 0x55AA; writing any other value closes
    /// access and latches the CRC. CRCDigest is CRC-16/CCITT-FALSE over the protected registers, computed when
    /// read; CRCErrStatus bit 0 is set while access is closed and the CRC differs from the latched one.</item>
    /// <item>Energy: each register counts 0.01 CF pulse, i.e. PL_constant / 4.5e10 Wh, keeping the fraction inside
    /// the chip; it wraps at 16 bits (assumed: the datasheet excerpts do not say whether it saturates). The
    /// totals sum the phases selected in MMode0 arithmetically (ABSEnP, bit 3, clear) or as magnitudes (set).
    /// Phases below PPhaseTh and a sum below PStartTh (0.00032 W per LSB) accumulate nothing.</item>
    /// <item>Calibration decoding: gain = (Ugain / (32 x divider)) x (Igain x PGA / (256 x A per input volt)) x
    /// (1 + PQGain / 2^15); phase = Phi x 360 x f / 2.048 MHz degrees of extra current lag; offset = POffset / 256 W.</item>
    /// <item>After a reset (soft, spontaneous or power-up) the chip answers nothing for 5 ms.</item>
    /// </list>
    /// </remarks>
    public sealed class Atm90e32Emulator : EmulatedMeteringChip, IBusDevice
    {
        /// <summary>Seconds the chip is deaf after a reset.</summary>
        public const double ResetSeconds = 0.005;

        private const int LastSpiDataAddress = 0x78;
        private const int CrcErrStatusAddress = 0x79;
        private const int CrcDigestAddress = 0x7A;
        private const int AccessAddress = 0x7F;
        private const int SoftResetAddress = 0x70;
        private const int AccessKey = 0x55AA;
        private const int EnergyBase = 0x80;
        private const int EnergyModelled = 8;
        private const double ThresholdWattsPerLsb = 0.00032;
        private const double WattHoursPerPulseConstant = 4.5e10;

        private static readonly ushort[] CrcTable = BuildCrcTable();

        private readonly ushort[] _registers = new ushort[1024];
        private readonly double[] _fractions = new double[EnergyModelled];
        private readonly bool[] _stuck = new bool[1024];
        private readonly ushort[] _stuckValue = new ushort[1024];
        private readonly double[] _stuckFrom = new double[1024];
        private readonly FaultPlan? _faults;

        private int _lastSpiData;
        private bool _accessOpen;
        private int _latchedDigest;
        private double _readyAt;

        /// <summary>Creates an emulated chip on the reference board's front end, at its reset values.</summary>
        public Atm90e32Emulator(LoadScenario scenario, MetrologyErrorModel[] errors, int seed = 1, FaultPlan? faults = null)
            : base(scenario, errors, seed)
        {
            if (scenario.PhaseCount != 3)
            {
                throw new ArgumentException("the ATM90E32AS meters three phases", nameof(scenario));
            }

            _faults = faults;
            ResetRegisters();
            _readyAt = 0.0;
        }

        /// <summary>Mains volts per volt at the voltage input (reference board: 1 MOhm over 1 kOhm).</summary>
        public double DividerRatio { get; init; } = (1_000_000.0 + 1_000.0) / 1_000.0;

        /// <summary>Primary amperes per volt at the current input (reference board: 2500:1 CT into 10 Ohm).</summary>
        public double AmpsPerInputVolt { get; init; } = 2500.0 / 10.0;

        /// <summary>Frames seen on the bus so far.</summary>
        public long Transactions { get; private set; }

        /// <summary>A chip whose front end is perfect, on <paramref name="scenario"/>.</summary>
        public static Atm90e32Emulator Ideal(LoadScenario scenario, FaultPlan? faults = null) =>
            new(scenario, new[] { MetrologyErrorModel.Ideal, MetrologyErrorModel.Ideal, MetrologyErrorModel.Ideal }, 1, faults);

        /// <summary>A register's value as the chip holds it, without the side effects of an SPI read.</summary>
        public int Peek(int address) => address switch
        {
            LastSpiDataAddress => _lastSpiData,
            CrcDigestAddress => Digest(),
            CrcErrStatusAddress => CrcError(),
            _ => Atm90e32RegisterTable.At(address).Access == Atm90e32Access.ReadOnly ? Measurement(address) : _registers[address & 0x3FF],
        };

        /// <summary>What the calibration registers do to phase <paramref name="phase"/>, as decoded by the chip.</summary>
        public ChipCalibrationTerms CalibrationTermsOf(int phase) => TermsFor(phase);

        /// <summary>Wh one energy-register count is worth at the PL_constant in force.</summary>
        public double WattHoursPerCount => PlConstant / WattHoursPerPulseConstant;

        /// <summary>From <paramref name="fromSeconds"/> on, reads of <paramref name="address"/> return <paramref name="value"/> and do not clear it.</summary>
        public void StickRegister(int address, int value, double fromSeconds)
        {
            _stuck[address] = true;
            _stuckValue[address] = (ushort)value;
            _stuckFrom[address] = fromSeconds;
            _faults?.Log(InjectedFault.StuckRegister, Transactions, fromSeconds, $"register 0x{address:X2} stuck at 0x{value:X4}");
        }

        /// <summary>Ends a stuck-register fault.</summary>
        public void ReleaseRegister(int address) => _stuck[address] = false;

        /// <summary>A register changes by itself (an upset, or a write by something other than the driver), whatever the access state.</summary>
        public void CorruptRegister(int address, int value)
        {
            _registers[address] = (ushort)value;
            _faults?.Log(InjectedFault.StuckRegister, Transactions, Now, $"register 0x{address:X2} changed to 0x{value:X4} behind the driver's back");
        }

        /// <inheritdoc/>
        public BusStatus Write(byte[] buffer, int offset, int count) => Transfer(buffer, offset, count, null, 0, 0);

        /// <inheritdoc/>
        public BusStatus Read(byte[] buffer, int offset, int count) => Transfer(null, 0, 0, buffer, offset, count);

        /// <inheritdoc/>
        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) =>
            Transfer(writeBuffer, writeOffset, writeCount, readBuffer, readOffset, readCount);

        /// <inheritdoc/>
        protected override ChipCalibrationTerms TermsFor(int phase)
        {
            int pga = (_registers[0x34] >> (2 * phase)) & 0x3;
            double pgaGain = pga == 1 ? 2.0 : pga == 2 ? 4.0 : 1.0;
            double voltage = _registers[0x61 + (4 * phase)] / (32.0 * DividerRatio);
            double current = _registers[0x62 + (4 * phase)] * pgaGain / (256.0 * AmpsPerInputVolt);
            double gain = voltage * current * (1.0 + ((short)_registers[0x47 + (2 * phase)] / 32768.0));
            double degrees = (short)_registers[0x48 + (2 * phase)] * 360.0 * NominalHertz / 2_048_000.0;
            double watts = (short)_registers[0x41 + (2 * phase)] / 256.0;
            return new ChipCalibrationTerms(gain, degrees, watts);
        }

        /// <inheritdoc/>
        protected override void Accumulate(double[] measuredWattHoursPerPhase, double seconds)
        {
            if (_registers[0x00] != 1 || seconds <= 0 || PlConstant == 0)
            {
                return;
            }

            double perCount = WattHoursPerCount;
            double phaseThreshold = _registers[0x38] * ThresholdWattsPerLsb;
            double startThreshold = _registers[0x35] * ThresholdWattsPerLsb;
            int mode = _registers[0x33];
            bool absolute = (mode & 0x0008) != 0;
            double sum = 0.0;
            for (int phase = 0; phase < 3; phase++)
            {
                double wattHours = measuredWattHoursPerPhase[phase];
                if (wattHours == 0.0 || Math.Abs(wattHours * 3600.0 / seconds) < phaseThreshold)
                {
                    continue;
                }

                Count(wattHours > 0 ? 1 + phase : 5 + phase, Math.Abs(wattHours) / perCount);
                if ((mode & (0x4 >> phase)) != 0)
                {
                    sum += absolute ? Math.Abs(wattHours) : wattHours;
                }
            }

            if (sum != 0.0 && Math.Abs(sum * 3600.0 / seconds) >= startThreshold)
            {
                Count(sum > 0 ? 0 : 4, Math.Abs(sum) / perCount);
            }
        }

        /// <inheritdoc/>
        protected override void ResetToDefaults()
        {
            ResetRegisters();
            _faults?.Log(InjectedFault.ChipReset, Transactions, Now, "registers back to their reset values (spontaneous reset or power-up)");
        }

        private int PlConstant => (_registers[0x31] << 16) | _registers[0x32];

        private int NominalHertz => (_registers[0x33] & 0x1000) != 0 ? 60 : 50;

        private void ResetRegisters()
        {
            foreach (var info in Atm90e32RegisterTable.All)
            {
                _registers[info.Address] = (ushort)info.ResetValue;
            }

            Array.Clear(_fractions);
            _lastSpiData = 0;
            _accessOpen = false;
            _latchedDigest = Digest();
            _readyAt = Now + ResetSeconds;
        }

        private void Count(int index, double counts)
        {
            double total = _fractions[index] + counts;
            double whole = Math.Floor(total);
            _fractions[index] = total - whole;
            int address = EnergyBase + index;
            _registers[address] = (ushort)((_registers[address] + (long)whole) & 0xFFFF);
        }

        private BusStatus Transfer(byte[]? mosi, int mosiOffset, int mosiCount, byte[]? miso, int misoOffset, int misoCount)
        {
            Transactions++;
            if (miso != null)
            {
                Array.Clear(miso, misoOffset, misoCount);
            }

            // SPI has no acknowledge: an absent, unpowered or resetting chip leaves MISO low and ignores MOSI.
            if (!Powered || Now < _readyAt || mosiCount + misoCount < 4)
            {
                return BusStatus.Ok;
            }

            int addressWord = (MosiByte(mosi, mosiOffset, mosiCount, 0) << 8) | MosiByte(mosi, mosiOffset, mosiCount, 1);
            int data = (MosiByte(mosi, mosiOffset, mosiCount, 2) << 8) | MosiByte(mosi, mosiOffset, mosiCount, 3);
            int address = addressWord & 0x3FF;
            if ((addressWord & 0x8000) != 0)
            {
                int value = ReadRegister(address);
                if (address != LastSpiDataAddress)
                {
                    _lastSpiData = value;
                }

                MisoByte(miso, misoOffset, misoCount, mosiCount, 2, value >> 8);
                MisoByte(miso, misoOffset, misoCount, mosiCount, 3, value);
            }
            else
            {
                _lastSpiData = data;
                WriteRegister(address, data);
            }

            return BusStatus.Ok;
        }

        private static int MosiByte(byte[]? mosi, int offset, int count, int index) => mosi != null && index < count ? mosi[offset + index] : 0;

        private static void MisoByte(byte[]? miso, int offset, int count, int mosiCount, int index, int value)
        {
            int at = index - mosiCount;
            if (miso != null && at >= 0 && at < count)
            {
                miso[offset + at] = (byte)value;
            }
        }

        private int ReadRegister(int address)
        {
            if (_stuck[address] && Now >= _stuckFrom[address])
            {
                return _stuckValue[address];
            }

            switch (address)
            {
                case LastSpiDataAddress:
                    return _lastSpiData;
                case CrcDigestAddress:
                    return Digest();
                case CrcErrStatusAddress:
                    return CrcError();
            }

            var info = Atm90e32RegisterTable.At(address);
            switch (info.Access)
            {
                case Atm90e32Access.ReadWrite:
                    return _registers[address];
                case Atm90e32Access.ReadClear:
                    int value = _registers[address];
                    _registers[address] = 0;
                    return value;
                case Atm90e32Access.ReadOnly:
                    return Measurement(address);
                default:
                    return 0;
            }
        }

        private void WriteRegister(int address, int value)
        {
            if (address == SoftResetAddress)
            {
                if (value == 0x789A)
                {
                    ResetRegisters();
                }

                return;
            }

            if (address == AccessAddress)
            {
                bool wasOpen = _accessOpen;
                _registers[address] = (ushort)value;
                _accessOpen = value == AccessKey;
                if (wasOpen && !_accessOpen)
                {
                    _latchedDigest = Digest();
                }

                return;
            }

            var info = Atm90e32RegisterTable.At(address);
            if (info.Access == Atm90e32Access.ReadWrite && (!info.Gated || _accessOpen))
            {
                _registers[address] = (ushort)value;
            }
        }

        private int CrcError() => !_accessOpen && Digest() != _latchedDigest ? 1 : 0;

        private int Digest()
        {
            int crc = 0xFFFF;
            foreach (var info in Atm90e32RegisterTable.All)
            {
                if (info.Protected)
                {
                    int value = _registers[info.Address];
                    crc = ((crc << 8) ^ CrcTable[((crc >> 8) ^ (value >> 8)) & 0xFF]) & 0xFFFF;
                    crc = ((crc << 8) ^ CrcTable[((crc >> 8) ^ value) & 0xFF]) & 0xFFFF;
                }
            }

            return crc;
        }

        /// <summary>CRC-16/CCITT-FALSE of bytes, by the emulator's own table (exposed for the cross-check test).</summary>
        public static int Crc16(byte[] bytes)
        {
            int crc = 0xFFFF;
            foreach (byte b in bytes)
            {
                crc = ((crc << 8) ^ CrcTable[((crc >> 8) ^ b) & 0xFF]) & 0xFFFF;
            }

            return crc;
        }

        private static ushort[] BuildCrcTable()
        {
            var table = new ushort[256];
            for (int n = 0; n < 256; n++)
            {
                int c = n << 8;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
                }

                table[n] = (ushort)c;
            }

            return table;
        }

        /// <summary>Measurement registers, from the load now and the power measured in the last step.</summary>
        private int Measurement(int address)
        {
            if (!Powered || _registers[0x00] != 1)
            {
                return 0;
            }

            switch (address)
            {
                case >= 0xB1 and <= 0xB3:
                    return PhasePower(address - 0xB1) >> 16 & 0xFFFF;
                case >= 0xC1 and <= 0xC3:
                    return PhasePower(address - 0xC1) & 0xFF00;
                case 0xB0:
                    return TotalPower() >> 16 & 0xFFFF;
                case 0xC0:
                    return TotalPower() & 0xFF00;
                case >= 0xBD and <= 0xBF:
                    return PowerFactor(address - 0xBD) & 0xFFFF;
                case >= 0xD9 and <= 0xDB:
                    return Clamp16(Math.Round(Scenario.At(Now, address - 0xD9).VoltageRms * VoltageFactor(address - 0xD9) * 100.0));
                case >= 0xDD and <= 0xDF:
                    return Clamp16(Math.Round(Scenario.At(Now, address - 0xDD).CurrentRms * CurrentFactor(address - 0xDD) * 1000.0));
                case 0xF8:
                    var load = Scenario.At(Now, 0);
                    return load.VoltageRms == 0 ? 0 : Clamp16(Math.Round(load.FrequencyHz * 100.0));
                case 0xFC:
                    return (int)Math.Round(Scenario.TemperatureCelsius(Now)) & 0xFFFF;
                default:
                    return 0;
            }
        }

        private double VoltageFactor(int phase) => _registers[0x61 + (4 * phase)] / (32.0 * DividerRatio);

        private double CurrentFactor(int phase)
        {
            int pga = (_registers[0x34] >> (2 * phase)) & 0x3;
            return _registers[0x62 + (4 * phase)] * (pga == 1 ? 2.0 : pga == 2 ? 4.0 : 1.0) / (256.0 * AmpsPerInputVolt);
        }

        // Phase power as the 32-bit pair: 1/65536 W per bit, bits 7:0 always zero.
        private int PhasePower(int phase) => Pair(MeasuredWatts[phase] * 256.0);

        // Total power: 4/65536 W per bit, over the phases and in the mode MMode0 selects.
        private int TotalPower()
        {
            int mode = _registers[0x33];
            double sum = 0.0;
            for (int phase = 0; phase < 3; phase++)
            {
                if ((mode & (0x4 >> phase)) != 0)
                {
                    sum += (mode & 0x0008) != 0 ? Math.Abs(MeasuredWatts[phase]) : MeasuredWatts[phase];
                }
            }

            return Pair(sum * 64.0);
        }

        private static int Pair(double unitsOf256ths)
        {
            double clamped = Math.Max(-8_388_608.0, Math.Min(8_388_607.0, Math.Round(unitsOf256ths)));
            return (int)clamped << 8;
        }

        private int PowerFactor(int phase)
        {
            var load = Scenario.At(Now, phase);
            double apparent = load.VoltageRms * VoltageFactor(phase) * load.CurrentRms * CurrentFactor(phase);
            if (apparent <= 0)
            {
                return 0;
            }

            double pf = Math.Max(-1.0, Math.Min(1.0, MeasuredWatts[phase] / apparent));
            return (int)Math.Round(pf * 1000.0);
        }

        private static int Clamp16(double value) => (int)Math.Max(0.0, Math.Min(65535.0, value));
    }
}
