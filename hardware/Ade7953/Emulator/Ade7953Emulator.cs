using System;
using AssetMeter.Hardware.Bus;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// A register-accurate ADE7953 on I2C, metering channel A of a one-phase <see cref="LoadScenario"/> through
    /// the reference board's front end. It speaks the chip's framing ([address MSB, address LSB, data MSB first];
    /// reads as an address write then a repeated-start read), keeps the register file with the datasheet's widths,
    /// defaults, access and write protection, records LAST_OP/LAST_ADD/LAST_RWDATA, needs the 0x0FE unlock
    /// before 0x120, computes the CRC with the datasheet's LFSR, and accumulates AENERGYA in either RSTREAD mode.
    /// </summary>
    /// <remarks>
    /// Deliberately independent of the driver: its scaling is derived here again from the datasheet's numbers and
    /// the front end's parts, its calibration decoding follows the datasheet's description of each register,
    /// and its CRC is the bit-serial LFSR of datasheet Eq. 51-53, where the driver uses a table CRC-32.
    /// Assumptions, where the datasheet is silent: reads of LAST_OP/LAST_ADD/LAST_RWDATA do not update them;
    /// writes to read-only, unknown, unlocked-0x120 or write-protected registers, and transfers of the wrong length,
    /// are ignored and not reflected in LAST_*; the upper byte of a 32-bit write is ignored; the chip NACKs while
    /// unpowered and for <see cref="ResetSeconds"/> after a reset; without 0x120 = 0x30 the active power reads
    /// <see cref="MissingOptimumSettingGainError"/> low; ACCMODE's status bits are not part of the CRC; the
    /// silicon version reads <see cref="SiliconVersion"/>.
    /// </remarks>
    public sealed class Ade7953Emulator : EmulatedMeteringChip, IBusDevice
    {
        /// <summary>Time after a reset during which the chip does not answer (datasheet p. 18: 26 ms + about 40 ms).</summary>
        public const double ResetSeconds = 0.07;

        /// <summary>What the Version register reads (assumed: the datasheet gives no value).</summary>
        public const int SiliconVersion = 0x02;

        /// <summary>Relative active-power error while 0x120 is not 0x30 (assumed: the datasheet only says Table 1 needs it).</summary>
        public const double MissingOptimumSettingGainError = -0.004;

        // Reference front end (hardware/Ade7953/README.md) and the datasheet's full-scale figures.
        private const double FullScalePeakVolts = 0.5;
        private const double DividerRatio = 1000.0;
        private const double CtTurns = 2500.0;
        private const double BurdenOhms = 8.2;
        private const double RmsAtFullScale = 9032007.0;
        private const double PowerAtFullScale = 4862401.0;
        private const double EnergyPulsesPerSecondAtFullScale = 206900.0;
        private const double PhaseStepSeconds = 4.0 / 3580000.0;
        private const double PeriodClockHertz = 3580000.0 / 16.0;
        private const int UnityGain = 1 << 22;

        // CRC: the generator G(x) of datasheet p. 58 (x^32 implicit). Its coefficient list (Eq. 50) gives g31 where
        // G(x) has x^23; the polynomial is followed. Then the eight internal registers (assumed values, chosen so
        // that the reset CRC is the datasheet's 0x48739163) and the Table 12 layout.
        private static readonly int[] GeneratorTerms = { 0, 1, 2, 4, 5, 7, 8, 10, 11, 12, 16, 22, 23, 26 };
        private static readonly int[] InternalRegisters = { 0x00, 0x00, 0x00, 0x00, 0x85, 0x77, 0xD4, 0x9D };
        private static readonly (int Address, int Bits)[] ChecksumLayout = BuildChecksumLayout();

        private static readonly RegisterSpec[] Specs = BuildSpecs();

        private readonly int[] _registers = new int[0x400];
        private readonly bool[] _defined = new bool[0x400];
        private readonly bool[] _writable = new bool[0x400];
        private readonly int[] _defaults = new int[0x400];
        private readonly bool[] _stuck = new bool[0x400];
        private readonly int[] _stuckValue = new int[0x400];

        private double _carry;
        private int _energyAtLastRead;
        private double _readyAt;
        private bool _unlockArmed;
        private int _pointer = -1;
        private int _lastOperation;
        private int _lastAddress;
        private int _lastData8;
        private int _lastData16;
        private int _lastDataWide;
        private bool _noLoad;
        private int _externalReference;
        private bool _softwareReset;

        /// <summary>Creates a chip just powered up (it answers after <see cref="ResetSeconds"/>) measuring <paramref name="scenario"/>'s phase.</summary>
        public Ade7953Emulator(LoadScenario scenario, MetrologyErrorModel error, int seed = 1)
            : base(scenario, new[] { error }, seed)
        {
            foreach (var spec in Specs)
            {
                _defined[spec.Address] = true;
                _writable[spec.Address] = spec.Writable;
                _defaults[spec.Address] = spec.Default;
            }

            LoadDefaults();
        }

        /// <summary>Where injected chip faults (stuck registers, resets) are logged, if anywhere.</summary>
        public FaultPlan? Plan { get; set; }

        /// <summary>Transactions the chip has answered (ACKed) since creation.</summary>
        public long Transactions { get; private set; }

        /// <summary>Resets since creation (power-up, spontaneous or software), not counting the first power-up.</summary>
        public int Resets { get; private set; }

        /// <summary>
        /// Energy counted by the chip but lost to resets, watt-hours (import positive): what AENERGYA gained after its
        /// last read over the bus, plus its fraction of a count, plus what was measured while it was still resetting.
        /// No driver can recover it. Exact as long as the last bus read before each reset was the one the metrology
        /// core accepted.
        /// </summary>
        public double LostWattHours { get; private set; }

        /// <summary>Watt-hours per AENERGYA count at unity gains, derived from the datasheet and the front end.</summary>
        public static double WattHoursPerCount =>
            FullScalePeakVolts * FullScalePeakVolts / 2.0 * DividerRatio * CtTurns / BurdenOhms / EnergyPulsesPerSecondAtFullScale / 3600.0;

        private static double FullScaleWatts => FullScalePeakVolts * FullScalePeakVolts / 2.0 * DividerRatio * CtTurns / BurdenOhms;

        private bool Ready => Powered && Now >= _readyAt;

        /// <summary>The stored value of a register (24-bit registers by either address), bypassing the bus.</summary>
        public int Peek(int address) => address == 0x37F ? (int)ComputeChecksum() : _registers[Canonical(address)];

        /// <summary>Changes a register behind the driver's back (EMC, a cosmic ray, another master), bypassing protection.</summary>
        public void Poke(int address, int value) => _registers[Canonical(address)] = value & MaskFor(Canonical(address));

        /// <summary>From now on reads of <paramref name="address"/> return the value it has now, whatever the chip does.</summary>
        public void Stick(int address)
        {
            int canonical = Canonical(address);
            _stuck[canonical] = true;
            _stuckValue[canonical] = _registers[canonical];
            Plan?.Log(InjectedFault.StuckRegister, Transactions, Now, $"0x{canonical:X3} stuck at 0x{_registers[canonical]:X6}");
        }

        /// <summary>Reads of <paramref name="address"/> follow the chip again.</summary>
        public void Release(int address) => _stuck[Canonical(address)] = false;

        /// <inheritdoc/>
        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            if (!Ready)
            {
                return BusStatus.NotAcknowledged;
            }

            Transactions++;
            if (count < 2)
            {
                return BusStatus.Ok;
            }

            int address = (buffer[offset] << 8) | buffer[offset + 1];
            if (count == 2)
            {
                // First stage of a read: only the register pointer is set.
                _unlockArmed = false;
                _pointer = address;
                return BusStatus.Ok;
            }

            HandleWrite(address, buffer, offset + 2, count - 2);
            return BusStatus.Ok;
        }

        /// <inheritdoc/>
        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            if (!Ready)
            {
                return BusStatus.NotAcknowledged;
            }

            Transactions++;
            HandleRead(_pointer, buffer, offset, count);
            return BusStatus.Ok;
        }

        /// <inheritdoc/>
        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            if (!Ready)
            {
                return BusStatus.NotAcknowledged;
            }

            if (writeCount != 2)
            {
                return BusStatus.Failed;
            }

            Transactions++;
            _pointer = (writeBuffer[writeOffset] << 8) | writeBuffer[writeOffset + 1];
            HandleRead(_pointer, readBuffer, readOffset, readCount);
            return BusStatus.Ok;
        }

        /// <inheritdoc/>
        protected override ChipCalibrationTerms TermsFor(int phase)
        {
            // Power path (datasheet Figure 45): (AIGAIN·I × AVGAIN·V) → LPF → ×AWGAIN → +AWATTOS.
            double gain = (double)_registers[0x380] / UnityGain * ((double)_registers[0x381] / UnityGain) * ((double)_registers[0x382] / UnityGain);
            if (_registers[0x120] != 0x30)
            {
                gain *= 1.0 + MissingOptimumSettingGainError;
            }

            // PHCALA: sign-magnitude; bit 9 clear delays the current channel by |value| × 4/CLKIN, so the current lags more.
            int phcal = _registers[0x108];
            int magnitude = Math.Min(phcal & 0x1FF, 383);
            double delaySeconds = ((phcal & 0x200) != 0 ? -magnitude : magnitude) * PhaseStepSeconds;
            double degrees = delaySeconds * Scenario.At(Now, 0).FrequencyHz * 360.0;

            // AWATTOS: one LSB is 1/512 of an AWATT LSB, added after the gain.
            double offsetWatts = SignExtend24(_registers[0x389]) / 512.0 * (FullScaleWatts / PowerAtFullScale);
            return new ChipCalibrationTerms(gain, degrees, offsetWatts);
        }

        /// <inheritdoc/>
        protected override void Accumulate(double[] measuredWattHoursPerPhase, double seconds)
        {
            PhaseLoad load = Scenario.At(Now, 0);
            double watts = MeasuredWatts[0];
            UpdateInstantaneous(load, watts);

            // While resetting the chip measures nothing: that part of the step is lost.
            double active = seconds <= 0 ? 0.0 : Math.Clamp((Now + seconds - _readyAt) / seconds, 0.0, 1.0);
            double wattHours = measuredWattHoursPerPhase[0];
            LostWattHours += wattHours * (1.0 - active);

            double noLoadWatts = FullScaleWatts / (1.4 * (65536 - _registers[0x303]));
            _noLoad = (_registers[0x001] & 0x01) == 0 && Math.Abs(watts) < noLoadWatts;
            if (_noLoad)
            {
                return;
            }

            double counts = (wattHours * active / WattHoursPerCount) + _carry;
            double whole = Math.Floor(counts);
            _carry = counts - whole;
            int before = SignExtend24(_registers[0x31E]);
            long after = before + (long)whole;
            if (after > 0x7FFFFF || after < -0x800000)
            {
                _registers[0x32D] |= 0x08; // AEOFA: overflow or underflow
            }

            _registers[0x31E] = (int)(after & 0xFFFFFF);
        }

        /// <inheritdoc/>
        protected override void ResetToDefaults()
        {
            Resets++;
            int unread = SignExtend24(_registers[0x31E] - _energyAtLastRead);
            LostWattHours += (unread + _carry) * WattHoursPerCount;
            if (!_softwareReset)
            {
                Plan?.Log(InjectedFault.ChipReset, Transactions, Now, $"reset to defaults, {unread} counts unread");
            }

            LoadDefaults();
        }

        private void LoadDefaults()
        {
            Array.Copy(_defaults, _registers, _registers.Length);
            Array.Clear(_stuck);
            _carry = 0;
            _energyAtLastRead = 0;
            _unlockArmed = false;
            _pointer = -1;
            _lastOperation = 0;
            _lastAddress = 0;
            _lastData8 = 0;
            _lastData16 = 0;
            _lastDataWide = 0;
            _externalReference = 0;
            _registers[0x32D] = 0x100000; // RESET: the chip is ready
            _readyAt = Now + ResetSeconds;
        }

        private void HandleWrite(int address, byte[] buffer, int offset, int count)
        {
            bool armed = _unlockArmed;
            _unlockArmed = false;
            int width = WidthOf(address);
            if (width == 0 || count != width)
            {
                return;
            }

            int value = 0;
            for (int i = 0; i < width; i++)
            {
                value = (value << 8) | buffer[offset + i];
            }

            if (address == 0x702)
            {
                return; // Version is read-only
            }

            int canonical = address == 0x800 ? -1 : Canonical(address);
            if (canonical >= 0 && (!_writable[canonical] || (canonical == 0x120 && !armed)))
            {
                return;
            }

            int protectBit = width == 1 ? 0x01 : width == 2 ? 0x02 : 0x04;
            if (canonical != 0x040 && (_registers[0x040] & protectBit) != 0)
            {
                return;
            }

            _lastOperation = 0xCA;
            _lastAddress = address;
            Echo(width, value);
            if (canonical < 0)
            {
                _externalReference = value & 0x01; // EX_REF
                return;
            }

            if (canonical == 0x0FE)
            {
                _unlockArmed = value == 0xAD;
                return;
            }

            if (canonical == 0x102 && (value & 0x80) != 0)
            {
                _softwareReset = true; // SWRST: asked for, not a fault
                ResetToDefaults();
                _softwareReset = false;
                return;
            }

            _registers[canonical] = value & MaskFor(canonical);
        }

        private void HandleRead(int address, byte[] buffer, int offset, int count)
        {
            _unlockArmed = false;
            int width = WidthOf(address);
            int value = width == 0 ? 0 : ValueOnWire(address, width);
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = i < width ? (byte)(value >> (8 * (width - 1 - i))) : (byte)0;
            }

            int canonical = width == 0 || address == 0x702 || address == 0x800 ? -1 : Canonical(address);
            if (width == 0 || count != width || IsCommunicationRecord(canonical))
            {
                return;
            }

            _lastOperation = 0x35;
            _lastAddress = address;
            Echo(width, value);

            // Side effects of a successful read.
            if (canonical >= 0x31E && canonical <= 0x323 && (_registers[0x004] & 0x40) != 0)
            {
                _registers[canonical] = 0; // RSTREAD: read with reset
            }

            if (canonical == 0x31E)
            {
                _energyAtLastRead = _registers[0x31E];
            }

            if (canonical == 0x32E)
            {
                _registers[0x32D] = 0;
            }
            else if (canonical == 0x331)
            {
                _registers[0x330] = 0;
            }
        }

        private int ValueOnWire(int address, int width)
        {
            if (address == 0x702)
            {
                return SiliconVersion;
            }

            if (address == 0x800)
            {
                return _externalReference;
            }

            int canonical = Canonical(address);
            int value = canonical switch
            {
                0x0FD => _lastOperation,
                0x0FF => _lastData8,
                0x1FE => _lastAddress,
                0x1FF => _lastData16,
                0x3FF => width == 3 ? _lastDataWide & 0xFFFFFF : _lastDataWide,
                0x37F => (int)ComputeChecksum(),
                0x301 => AccumulationModeWithStatus(),
                0x32E => _registers[0x32D],
                0x331 => _registers[0x330],
                _ => _stuck[canonical] ? _stuckValue[canonical] : _registers[canonical],
            };

            if (width == 4 && canonical != 0x37F && canonical != 0x3FF)
            {
                value = SignExtend24(value);
            }

            return value;
        }

        private int AccumulationModeWithStatus()
        {
            int value = _registers[0x301] & 0x3FF;
            if (SignExtend24(_registers[0x312]) < 0)
            {
                value |= 1 << 10; // APSIGN_A
            }

            if (_noLoad)
            {
                value |= 1 << 16; // ACTNLOAD_A
            }

            return value;
        }

        private void Echo(int width, int value)
        {
            switch (width)
            {
                case 1:
                    _lastData8 = value & 0xFF;
                    break;
                case 2:
                    _lastData16 = value & 0xFFFF;
                    break;
                default:
                    _lastDataWide = value;
                    break;
            }
        }

        private void UpdateInstantaneous(PhaseLoad load, double watts)
        {
            double fullScaleVolts = FullScalePeakVolts / Math.Sqrt(2.0) * DividerRatio;
            double fullScaleAmps = FullScalePeakVolts / Math.Sqrt(2.0) * CtTurns / BurdenOhms;
            double volts = load.VoltageRms * _registers[0x381] / UnityGain;
            double amps = load.CurrentRms * _registers[0x380] / UnityGain;
            _registers[0x31C] = Saturate24(volts / fullScaleVolts * RmsAtFullScale);
            _registers[0x31A] = Saturate24(amps / fullScaleAmps * RmsAtFullScale);
            _registers[0x312] = Saturate24(watts / FullScaleWatts * PowerAtFullScale) & 0xFFFFFF;

            // PFA: active over apparent power, 2^-15 per LSB, the sign that of the active power.
            int powerFactor = 0x7FFF;
            if (volts > 0 && amps > 0)
            {
                double ratio = Math.Clamp(watts / (volts * amps), -1.0, 1.0);
                powerFactor = (int)Math.Clamp(Math.Round(ratio * 32768.0), -32768, 32767);
            }

            _registers[0x10A] = powerFactor & 0xFFFF;
            _registers[0x10E] = load.FrequencyHz > 0 ? (int)Math.Round(PeriodClockHertz / load.FrequencyHz) - 1 : 0xFFFF;
        }

        private uint ComputeChecksum()
        {
            if ((_registers[0x102] & 0x100) == 0)
            {
                return 0xFFFFFFFF; // CRC disabled: the register keeps its default
            }

            uint polynomial = 0;
            foreach (int term in GeneratorTerms)
            {
                polynomial |= 1u << term;
            }

            uint b = 0xFFFFFFFF; // b_i(0) = 1
            foreach (int register in InternalRegisters)
            {
                b = Shift(b, register, 8, polynomial);
            }

            foreach (var (address, bits) in ChecksumLayout)
            {
                int value = address == 0x301 ? _registers[address] & 0x3FF : _registers[address];
                b = Shift(b, value, bits, polynomial);
            }

            return b;
        }

        // Eq. 51-53: FB = a XOR b31; b0 = FB·g0; b_i = FB·g_i XOR b_(i-1); bits enter least significant first.
        private static uint Shift(uint b, int value, int bits, uint polynomial)
        {
            for (int i = 0; i < bits; i++)
            {
                uint feedback = (uint)((value >> i) & 1) ^ (b >> 31);
                b <<= 1;
                if (feedback != 0)
                {
                    b ^= polynomial;
                }
            }

            return b;
        }

        private static bool IsCommunicationRecord(int canonical) =>
            canonical == 0x0FD || canonical == 0x0FF || canonical == 0x1FE || canonical == 0x1FF || canonical == 0x3FF;

        private int WidthOf(int address)
        {
            if (address == 0x702 || address == 0x800)
            {
                return 1;
            }

            if (address < 0 || address > 0x3FF || address == 0x27F || !_defined[Canonical(address)])
            {
                return 0;
            }

            return (address >> 8) + 1;
        }

        // 24-bit registers live at their 32-bit address; Version and EX_REF have no slot in the file.
        private static int Canonical(int address) => (address & 0xF00) == 0x200 ? address + 0x100 : address & 0x3FF;

        private static int MaskFor(int canonical) => canonical < 0x100 ? 0xFF : canonical < 0x200 ? 0xFFFF : 0xFFFFFF;

        private static int SignExtend24(int value)
        {
            value &= 0xFFFFFF;
            return (value & 0x800000) != 0 ? value - 0x1000000 : value;
        }

        private static int Saturate24(double value)
        {
            double rounded = Math.Round(value);
            return rounded > 0x7FFFFF ? 0x7FFFFF : rounded < -0x800000 ? -0x800000 : (int)rounded;
        }

        private static (int Address, int Bits)[] BuildChecksumLayout()
        {
            var layout = new System.Collections.Generic.List<(int, int)>
            {
                (0x004, 8), (0x007, 8), (0x008, 8), (0x009, 8), (0x040, 8),
                (0x102, 16), (0x103, 16), (0x104, 16), (0x107, 16), (0x108, 16), (0x109, 16), (0x110, 16),
                (0x301, 24), (0x32C, 24), (0x32F, 24),
            };
            for (int address = 0x380; address <= 0x397; address++)
            {
                layout.Add((address, 24));
            }

            return layout.ToArray();
        }

        private static RegisterSpec[] BuildSpecs()
        {
            var specs = new System.Collections.Generic.List<RegisterSpec>
            {
                // 8-bit (Table 13); 0x0FE is the unlock key register for 0x120.
                new(0x000, true, 0x00), new(0x001, true, 0x00), new(0x004, true, 0x40), new(0x007, true, 0x00),
                new(0x008, true, 0x00), new(0x009, true, 0x00), new(0x040, true, 0x00), new(0x0FD, false, 0x00),
                new(0x0FE, true, 0x00), new(0x0FF, false, 0x00),

                // 16-bit (Table 14).
                new(0x100, true, 0xFFFF), new(0x101, true, 0x0000), new(0x102, true, 0x8004), new(0x103, true, 0x003F),
                new(0x104, true, 0x003F), new(0x107, true, 0x0300), new(0x108, true, 0x0000), new(0x109, true, 0x0000),
                new(0x10A, false, 0), new(0x10B, false, 0), new(0x10C, false, 0), new(0x10D, false, 0), new(0x10E, false, 0),
                new(0x110, true, 0x0000), new(0x120, true, 0x0000), new(0x1FE, false, 0), new(0x1FF, false, 0),

                // 24/32-bit (Table 15), at the 32-bit address.
                new(0x300, true, 0x000000), new(0x301, true, 0x000000), new(0x303, true, 0x00E419), new(0x304, true, 0x00E419),
                new(0x305, true, 0x000000), new(0x324, true, 0xFFFFFF), new(0x325, true, 0xFFFFFF), new(0x32C, true, 0x100000),
                new(0x32D, false, 0), new(0x32E, false, 0), new(0x32F, true, 0x000000), new(0x330, false, 0), new(0x331, false, 0),
                new(0x37F, false, 0), new(0x3FF, false, 0),
            };
            for (int address = 0x310; address <= 0x32B; address++)
            {
                if (address != 0x319 && address != 0x31D && address != 0x324 && address != 0x325)
                {
                    specs.Add(new RegisterSpec(address, false, 0));
                }
            }

            for (int address = 0x380; address <= 0x397; address++)
            {
                bool gain = (address >= 0x380 && address <= 0x384) || (address >= 0x38C && address <= 0x390);
                specs.Add(new RegisterSpec(address, true, gain ? 0x400000 : 0));
            }

            return specs.ToArray();
        }

        private readonly record struct RegisterSpec(int Address, bool Writable, int Default);
    }
}
