using System;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// Driver for the Analog Devices ADE7953 single-phase metering IC on I2C (address 0x38), metering current
    /// channel A. Every register write is confirmed through LAST_OP/LAST_ADD/LAST_RWDATA and read back; every
    /// read is confirmed through LAST_ADD and LAST_RWDATA; the configuration is guarded by the chip's CRC-32,
    /// checked against the value the driver computes from what it wrote.
    /// </summary>
    /// <remarks>
    /// <para>Framing: a write is [address MSB, address LSB, data MSB first]; a read is a write of the two address
    /// bytes, a repeated start and the data bytes (<see cref="IBusDevice.WriteRead"/>). 24-bit registers are
    /// always accessed through their 32-bit view (address + 0x100): the upper byte must be the sign extension
    /// of bit 23, a free check on every read.</para>
    /// <para>The driver never throws for a chip or bus fault: every operation returns an <see cref="IcStatus"/>
    /// and fills <see cref="LastFault"/>. It does not own the bus. It allocates nothing after construction
    /// except in <see cref="Start"/>, <see cref="ApplyCalibration"/> and <see cref="Corrected"/>.</para>
    /// </remarks>
    public sealed class Ade7953 : IEnergyIc
    {
        /// <summary>The chip's I2C address (fixed).</summary>
        public const int I2cAddress = 0x38;

        /// <summary>Wait after a software reset before talking to the chip (datasheet p. 18: at least 100 ms).</summary>
        public const int ResetWaitMilliseconds = 100;

        /// <summary>Consecutive reads with an unmoving energy register, at a power well above no-load, that mean it is stuck.</summary>
        public const int StuckReadLimit = 5;

        /// <summary>Consecutive reads whose energy moves against the sign of the measured power that mean it is corrupted.</summary>
        public const int ContraryReadLimit = 3;

        /// <summary>The consistency checks apply only above this multiple of the no-load power (38 W on the reference board).</summary>
        public const int NoLoadMarginFactor = 10;

        /// <summary>CONFIG as written: HPF on, CRC on, communication locked to I2C (COMM_LOCK cleared), integrators off (CT).</summary>
        public const int ConfigValue = Ade7953Bits.HighPassFilter | Ade7953Bits.CrcEnable;

        private const int IdentityAttempts = 5;
        private const int IdentityRetryMilliseconds = 50;
        private const int ResetPollAttempts = 5;
        private const int ResetPollMilliseconds = 20;
        private const int ConfigDefault = 0x8004;
        private const int Mask24 = 0xFFFFFF;
        private const int MaximumManaged = 20;
        private const long ConsistencyThresholdMilliwatts = (long)(Ade7953FrontEnd.NoLoadWatts * 1000.0 * NoLoadMarginFactor);

        private readonly IDriverClock _clock;
        private readonly Ade7953EnergyMode _mode;
        private readonly EnergyScale _scale;
        private readonly Ade7953Link _link;
        private readonly int[] _managedAddresses = new int[MaximumManaged];
        private readonly int[] _managedValues = new int[MaximumManaged];

        private int _managedCount;
        private CalibrationRecord _calibration;
                private uint _expectedChecksum;
        private bool _checksumLearned;
        private bool _started;
        private bool _recoveryPending;
        private bool _hasPrevious;
        private int _previousRaw;
        private int _unchangedReads;
        private int _contraryReads;

        /// <summary>Creates a driver in accumulating mode with the nominal calibration.</summary>
        /// <param name="bus">The chip on its I2C bus (address 0x38); not disposed by the driver.</param>
        /// <param name="clock">How the shell waits (100 ms after a software reset, datasheet p. 18); see <see cref="IDriverClock"/>.</param>
        public Ade7953(IBusDevice bus, IDriverClock clock)
            : this(bus, clock, null, Ade7953EnergyMode.Accumulating)
        {
        }

        /// <summary>Creates a driver.</summary>
        /// <param name="bus">The chip on its I2C bus (address 0x38); not disposed by the driver.</param>
        /// <param name="clock">How the shell waits (100 ms after a software reset, datasheet p. 18); see <see cref="IDriverClock"/>.</param>
        /// <param name="calibration">The stored calibration to put in force at <see cref="Start"/>, or null for nominal.</param>
        /// <param name="mode">How AENERGYA counts; <see cref="Ade7953EnergyMode.Accumulating"/> for settlement.</param>
        /// <exception cref="ArgumentNullException">bus or clock is null.</exception>
        public Ade7953(IBusDevice bus, IDriverClock clock, CalibrationRecord calibration, Ade7953EnergyMode mode)
        {
            if (bus == null)
            {
                throw new ArgumentNullException("bus");
            }

            if (clock == null)
            {
                throw new ArgumentNullException("clock");
            }

            _link = new Ade7953Link(bus);
            _clock = clock;
            _mode = mode;
            _scale = new EnergyScale(Ade7953FrontEnd.EnergyScaleNumerator, Ade7953FrontEnd.EnergyScaleDenominator);
            _calibration = calibration != null ? calibration : Ade7953Calibration.Nominal(0);
                        BuildExpected(_calibration);
        }

        /// <summary>"ADE7953".</summary>
        public string PartName
        {
            get { return "ADE7953"; }
        }

        /// <summary>0x53 (see <see cref="Ade7953Calibration.PartCode"/>).</summary>
        public byte PartCode
        {
            get { return Ade7953Calibration.PartCode; }
        }

        /// <summary>One: current channel A meters the phase (channel B is left at its defaults).</summary>
        public int PhaseCount
        {
            get { return 1; }
        }

        /// <summary>Signed 24-bit accumulating, or clear-on-read in <see cref="Ade7953EnergyMode.ReadWithReset"/>.</summary>
        public RegisterKind EnergyRegisterKind
        {
            get { return _mode == Ade7953EnergyMode.Accumulating ? RegisterKind.Signed24Accumulating : RegisterKind.Signed24ClearOnRead; }
        }

        /// <summary>39,062,500 / 763,461 µWh (51.165 µWh) per count: see <see cref="Ade7953FrontEnd"/>.</summary>
        public EnergyScale Scale
        {
            get { return _scale; }
        }

        /// <summary>The calibration in force (or to be put in force by <see cref="Start"/>).</summary>
        public CalibrationRecord Calibration
        {
            get { return _calibration; }
        }

        /// <summary>Details of the last failure, or of the last chip reset that <see cref="ReadEnergy"/> recovered from.</summary>
        public IcFault LastFault
        {
            get { return _link.Fault; }
        }

        /// <summary>How AENERGYA counts.</summary>
        public Ade7953EnergyMode EnergyMode
        {
            get { return _mode; }
        }

        /// <summary>The silicon version read at <see cref="Start"/> (Version register, 0x702).</summary>
        public int SiliconVersion { get; private set; }

        /// <summary>
        /// True when the last <see cref="Start"/> found the chip already holding this driver's configuration and
        /// calibration (the microcontroller restarted, the chip did not): it was not reset, and AENERGYA kept counting.
        /// </summary>
        public bool LastStartWasWarm { get; private set; }

        /// <summary>Chip resets found and recovered from by <see cref="ReadEnergy"/> since construction.</summary>
        public int ChipResetsDetected { get; private set; }

        /// <summary>Reads and writes repeated because the chip's echo disagreed (a garbled transfer), since construction.</summary>
        public int VerifyRetries
        {
            get { return _link.VerifyRetries; }
        }

        /// <summary>Bus transactions that failed (NACK, timeout), since construction.</summary>
        public int BusErrors
        {
            get { return _link.BusErrors; }
        }

        /// <summary>The CRC the chip must hold for the configuration and calibration the driver wrote.</summary>
        public uint ExpectedChecksum
        {
            get { return _expectedChecksum; }
        }

        /// <summary>
        /// For bring-up on silicon whose CRC layout differs from the one assumed in <see cref="Ade7953Checksum"/>:
        /// when set before <see cref="Start"/>, the driver adopts the chip's CRC once every register has been read
        /// back and verified, and checks later reads against it. Off by default.
        /// </summary>
        public bool LearnChecksum { get; set; }

        /// <summary>
        /// Identifies the chip, resets it (unless it already holds exactly this configuration: a warm start),
        /// writes the required 0x120 setting, the configuration and the calibration, enables the CRC and write
        /// protection, and verifies every register and the CRC.
        /// </summary>
        public IcStatus Start()
        {
            _started = false;
            _recoveryPending = false;
            LastStartWasWarm = false;
            _checksumLearned = false;
            BuildExpected(_calibration);
            ClearConsistency();

            IcStatus status = Identify();
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (!LearnChecksum && IsAlreadyConfigured())
            {
                LastStartWasWarm = true;
                _started = true;
                return IcStatus.Ok;
            }

            // A second full pass (with its own reset) recovers from a garbled reset write, or from a stray write
            // (a garbled address) that hit a register the configuration does not rewrite.
            for (int pass = 0; pass < 2; pass++)
            {
                status = ColdStart();
                if (status == IcStatus.Ok)
                {
                    _started = true;
                    return IcStatus.Ok;
                }

                if (status == IcStatus.BusError)
                {
                    return status;
                }
            }

            return status;
        }

        /// <summary>
        /// Reads AENERGYA into <see cref="EnergyReading.NetRaw"/> and AWATT into
        /// <see cref="EnergyReading.ActivePowerMilliwatts"/>, each confirmed by the chip's echo (up to three tries).
        /// </summary>
        /// <remarks>
        /// Each read first checks IRQSTATA's RESET bit. If the chip restarted, the driver restores the configuration
        /// and calibration (without resetting the chip again, so AENERGYA keeps what it counted since the restart),
        /// sets <see cref="EnergyReading.ChipRestarted"/> and returns <see cref="IcStatus.Ok"/> with a valid reading
        /// that counts from zero; <see cref="LastFault"/> records the reset for the event log.
        /// <see cref="IcStatus.EnergyInconsistent"/> (the reading is still filled) means AENERGYA did not move for
        /// <see cref="StuckReadLimit"/> reads, or moved against the power for <see cref="ContraryReadLimit"/> reads,
        /// while the power was above <see cref="NoLoadMarginFactor"/> times the no-load level.
        /// </remarks>
        public IcStatus ReadEnergy(EnergyReading reading)
        {
            reading.ChipRestarted = false;
            if (!_started)
            {
                return _link.Fault.Set(IcStatus.NotResponding, -1, 0, 0);
            }

            int status;
            IcStatus result = _link.Read(Ade7953Register.InterruptStatusA, out status);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            bool restarted = false;
            if (_recoveryPending || (status & Ade7953Bits.ResetInterrupt) != 0)
            {
                if (!_recoveryPending)
                {
                    ChipResetsDetected++;
                    _recoveryPending = true;
                }

                result = Configure();
                if (result != IcStatus.Ok)
                {
                    return result;
                }

                _recoveryPending = false;
                restarted = true;
                ClearConsistency();
            }

            int raw;
            result = _link.Read(Ade7953Register.ActiveEnergyA, out raw);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            int power;
            result = _link.Read(Ade7953Register.ActivePowerA, out power);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            reading.NetRaw = raw & Mask24;
            reading.ActivePowerMilliwatts = Milliwatts(power);
            if (restarted)
            {
                reading.ChipRestarted = true;
                _link.Fault.Set(IcStatus.ChipReset, Ade7953Register.InterruptStatusA, 0, status);
            }

            return CheckConsistency(reading.NetRaw, reading.ActivePowerMilliwatts);
        }

        /// <summary>Reads VRMS, IRMSA, AWATT, PFA and Period, each confirmed by the chip's echo.</summary>
        public IcStatus ReadInstantaneous(InstantaneousValues values)
        {
            if (!_started)
            {
                return _link.Fault.Set(IcStatus.NotResponding, -1, 0, 0);
            }

            int voltage;
            int current;
            int power;
            int powerFactor;
            int period;
            IcStatus result;
            if ((result = _link.Read(Ade7953Register.VoltageRms, out voltage)) != IcStatus.Ok
                || (result = _link.Read(Ade7953Register.CurrentRmsA, out current)) != IcStatus.Ok
                || (result = _link.Read(Ade7953Register.ActivePowerA, out power)) != IcStatus.Ok
                || (result = _link.Read(Ade7953Register.PowerFactorA, out powerFactor)) != IcStatus.Ok
                || (result = _link.Read(Ade7953Register.Period, out period)) != IcStatus.Ok)
            {
                return result;
            }

            // Integer arithmetic: the LSB weights are compile-time constants in pico-units, so the device does no
            // double maths here (nanoFramework's System.Math is not needed for what runs on every telemetry read).
            values.VoltageMillivolts[0] = (int)RoundedQuotient((voltage & Mask24) * Ade7953FrontEnd.PicovoltsPerVrmsLsb, 1000000000);
            values.CurrentMilliamps[0] = (int)RoundedQuotient((current & Mask24) * Ade7953FrontEnd.PicoampsPerIrmsLsb, 1000000000);
            values.ActivePowerMilliwatts[0] = Milliwatts(power);

            // PFA: 16-bit two's complement, LSB 2^-15 (0x7FFF is 1, 0x8000 is -1).
            int signedFactor = (powerFactor & 0x8000) != 0 ? powerFactor - 0x10000 : powerFactor;
            values.PowerFactorThousandths[0] = (int)RoundedQuotient(signedFactor * 1000L, 32768);

            // Frequency = 223,750 / (Period + 1) Hz.
            values.FrequencyMillihertz = (int)((Ade7953FrontEnd.PeriodClockHertz * 1000L) / (period + 1));
            return IcStatus.Ok;
        }

        /// <summary>
        /// Checks that the chip has not restarted (IRQSTATA RESET, 0x120 or CONFIG back to defaults) and still holds
        /// every register the driver wrote, and that its CRC equals the expected one.
        /// </summary>
        /// <remarks>
        /// On <see cref="IcStatus.ChipReset"/> the next <see cref="ReadEnergy"/> restores the configuration and
        /// reports the restart, keeping the energy counted since; calling <see cref="Start"/> instead resets the chip
        /// once more and loses that energy. On <see cref="IcStatus.ChecksumMismatch"/>, call <see cref="Start"/>.
        /// </remarks>
        public IcStatus CheckHealth()
        {
            if (!_started)
            {
                return _link.Fault.Set(IcStatus.NotResponding, -1, 0, 0);
            }

            int status;
            IcStatus result = _link.Read(Ade7953Register.InterruptStatusA, out status);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            if ((status & Ade7953Bits.ResetInterrupt) != 0 || _recoveryPending)
            {
                if (!_recoveryPending)
                {
                    ChipResetsDetected++;
                    _recoveryPending = true;
                }

                return _link.Fault.Set(IcStatus.ChipReset, Ade7953Register.InterruptStatusA, 0, status);
            }

            int setting;
            result = _link.Read(Ade7953Register.OptimumSetting, out setting);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            int config;
            result = _link.Read(Ade7953Register.Config, out config);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            if (setting != Ade7953Bits.OptimumSettingValue || config == ConfigDefault)
            {
                // Back to defaults without the RESET flag (a reset whose flag someone else cleared).
                ChipResetsDetected++;
                _recoveryPending = true;
                return _link.Fault.Set(IcStatus.ChipReset, Ade7953Register.Config, ConfigValue, config);
            }

            return VerifyConfiguration();
        }

        /// <summary>
        /// Validates <paramref name="record"/> (part code, registers, ranges), writes its registers with write
        /// protection lifted for the time, verifies each and the CRC, and makes it the calibration in force.
        /// Before <see cref="Start"/>, it only becomes the calibration <see cref="Start"/> will write.
        /// </summary>
        public IcStatus ApplyCalibration(CalibrationRecord record)
        {
            int badRegister;
            int badValue;
            if (!Ade7953Calibration.IsValid(record, out badRegister, out badValue))
            {
                return _link.Fault.Set(IcStatus.InvalidCalibration, badRegister, Ade7953Calibration.PartCode, badValue);
            }

            if (!_started)
            {
                _calibration = record;
                BuildExpected(record);
                return IcStatus.Ok;
            }

            IcStatus result = _link.Write(Ade7953Register.WriteProtect, 0);
            if (result == IcStatus.Ok)
            {
                result = WriteCalibration(record);
            }

            if (result == IcStatus.Ok)
            {
                result = _link.Write(Ade7953Register.WriteProtect, Ade7953Bits.WriteProtectAll);
            }

            if (result == IcStatus.Ok)
            {
                CalibrationRecord previous = _calibration;
                BuildExpected(record);
                _checksumLearned = false;
                result = VerifyConfiguration();
                if (result == IcStatus.Ok)
                {
                    _calibration = record;
                    return IcStatus.Ok;
                }

                BuildExpected(previous);
            }

            return result;
        }

        /// <summary>
        /// The record applying <paramref name="correction"/> to channel A on top of <paramref name="current"/>
        /// (see <see cref="Ade7953Calibration.Corrected"/>).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">phase is not 0: the driver meters one phase.</exception>
        public CalibrationRecord Corrected(CalibrationRecord current, int phase, CalibrationCorrection correction)
        {
            if (phase != 0)
            {
                throw new ArgumentOutOfRangeException("phase", "the ADE7953 driver meters phase 0 only");
            }

            return Ade7953Calibration.Corrected(current != null ? current : Ade7953Calibration.Nominal(0), correction);
        }

        private IcStatus Identify()
        {
            for (int attempt = 0; attempt < IdentityAttempts; attempt++)
            {
                if (attempt > 0)
                {
                    _clock.Sleep(IdentityRetryMilliseconds);
                }

                int version;
                if (_link.ReadRaw(Ade7953Register.Version, 1, out version) != BusStatus.Ok)
                {
                    _link.BusErrors++;
                    continue;
                }

                // Only an ADE7953 echoes the read in its communication verification registers.
                int operation;
                int address;
                int echo;
                if (_link.ReadRaw(Ade7953Register.LastOperation, 1, out operation) == BusStatus.Ok
                    && _link.ReadRaw(Ade7953Register.LastAddress, 2, out address) == BusStatus.Ok
                    && _link.ReadRaw(Ade7953Register.LastData8, 1, out echo) == BusStatus.Ok
                    && operation == Ade7953Bits.LastOperationRead && address == Ade7953Register.Version && echo == version)
                {
                    SiliconVersion = version;
                    return IcStatus.Ok;
                }
            }

            return _link.Fault.Set(IcStatus.NotResponding, Ade7953Register.Version, Ade7953Bits.LastOperationRead, -1);
        }

        private bool IsAlreadyConfigured()
        {
            IcFault saved = _link.Fault;
            int status;
            bool configured = _link.Read(Ade7953Register.InterruptStatusA, out status) == IcStatus.Ok
                && (status & Ade7953Bits.ResetInterrupt) == 0
                && VerifyConfiguration() == IcStatus.Ok;
            _link.Fault = saved;
            return configured;
        }

        private IcStatus ColdStart()
        {
            // WRITE_PROTECT stays writable when set and would otherwise block the reset bit.
            if (_link.WriteRaw(Ade7953Register.WriteProtect, 1, 0) != BusStatus.Ok
                || _link.WriteRaw(Ade7953Register.Config, 2, ConfigDefault | Ade7953Bits.SoftwareReset) != BusStatus.Ok)
            {
                _link.BusErrors++;
                return _link.Fault.Set(IcStatus.BusError, Ade7953Register.Config, ConfigDefault | Ade7953Bits.SoftwareReset, -1);
            }

            _clock.Sleep(ResetWaitMilliseconds);
            bool resetSeen = false;
            for (int attempt = 0; attempt < ResetPollAttempts && !resetSeen; attempt++)
            {
                if (attempt > 0)
                {
                    _clock.Sleep(ResetPollMilliseconds);
                }

                int status;
                resetSeen = _link.Read(Ade7953Register.InterruptStatusA, out status) == IcStatus.Ok
                    && (status & Ade7953Bits.ResetInterrupt) != 0;
            }

            if (!resetSeen)
            {
                return _link.Fault.Set(IcStatus.NotResponding, Ade7953Register.InterruptStatusA, Ade7953Bits.ResetInterrupt, 0);
            }

            return Configure();
        }

        // Everything after a reset, also used to recover from a spontaneous one: the RESET flag is cleared first,
        // so that a reset during configuration raises it again and is not hidden.
        private IcStatus Configure()
        {
            int ignored;
            if (_link.ReadRaw(Ade7953Register.InterruptStatusAReset, 4, out ignored) != BusStatus.Ok)
            {
                _link.BusErrors++;
                return _link.Fault.Set(IcStatus.BusError, Ade7953Register.InterruptStatusAReset, 0, -1);
            }

            IcStatus result = WriteOptimumSetting();
            if (result != IcStatus.Ok)
            {
                return result;
            }

            int lineCycleMode = _mode == Ade7953EnergyMode.Accumulating ? 0 : Ade7953Bits.ReadWithReset;
            if ((result = _link.Write(Ade7953Register.WriteProtect, 0)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.LineCycleMode, lineCycleMode)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.VoltagePga, 0)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.CurrentPgaA, 0)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.CurrentPgaB, 0)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.Config, ConfigValue)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.NoLoadDisable, Ade7953Bits.NoLoadDisableAll)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.ActivePowerNoLoad, Ade7953FrontEnd.ActivePowerNoLoadValue)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.ReactivePowerNoLoad, Ade7953FrontEnd.ActivePowerNoLoadValue)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.NoLoadDisable, 0)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.AccumulationMode, 0)) != IcStatus.Ok
                || (result = WriteCalibration(_calibration)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.WriteProtect, Ade7953Bits.WriteProtectAll)) != IcStatus.Ok)
            {
                return result;
            }

            return VerifyConfiguration();
        }

        // 0xAD to 0x0FE then 0x30 to 0x120, in succession (no verification read in between, or the unlock lapses).
        private IcStatus WriteOptimumSetting()
        {
            int actual = -1;
            for (int attempt = 0; attempt < Ade7953Link.Attempts; attempt++)
            {
                if (_link.WriteRaw(Ade7953Register.OptimumSettingUnlock, 1, Ade7953Bits.OptimumSettingKey) != BusStatus.Ok
                    || _link.WriteRaw(Ade7953Register.OptimumSetting, 2, Ade7953Bits.OptimumSettingValue) != BusStatus.Ok)
                {
                    _link.BusErrors++;
                    return _link.Fault.Set(IcStatus.BusError, Ade7953Register.OptimumSetting, Ade7953Bits.OptimumSettingValue, -1);
                }

                IcStatus result = _link.ConfirmWrite(Ade7953Register.OptimumSetting, 2, Ade7953Bits.OptimumSettingValue, out actual);
                if (result == IcStatus.Ok)
                {
                    return IcStatus.Ok;
                }

                if (result == IcStatus.BusError)
                {
                    return result;
                }

                _link.VerifyRetries++;
            }

            return _link.Fault.Set(IcStatus.VerifyFailed, Ade7953Register.OptimumSetting, Ade7953Bits.OptimumSettingValue, actual);
        }

        private IcStatus WriteCalibration(CalibrationRecord record)
        {
            int voltageGain = Ade7953Calibration.ValueOf(record, Ade7953Register.VoltageGain);
            IcStatus result;
            if ((result = _link.Write(Ade7953Register.CurrentGainA, Ade7953Calibration.ValueOf(record, Ade7953Register.CurrentGainA))) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.VoltageGain, voltageGain)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.VoltageGainB, voltageGain)) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.ActivePowerGainA, Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerGainA))) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.PhaseCalibrationA, Ade7953Calibration.ValueOf(record, Ade7953Register.PhaseCalibrationA))) != IcStatus.Ok
                || (result = _link.Write(Ade7953Register.ActivePowerOffsetA, Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerOffsetA))) != IcStatus.Ok)
            {
                return result;
            }

            return IcStatus.Ok;
        }

        // Reads back every register the driver manages, 0x120 and the CRC.
        private IcStatus VerifyConfiguration()
        {
            IcStatus result;
            int value;
            for (int i = 0; i < _managedCount; i++)
            {
                result = _link.Read(_managedAddresses[i], out value);
                if (result != IcStatus.Ok)
                {
                    return result;
                }

                if (Ade7953Link.Masked(_managedAddresses[i], value) != _managedValues[i])
                {
                    return _link.Fault.Set(IcStatus.ChecksumMismatch, _managedAddresses[i], _managedValues[i], Ade7953Link.Masked(_managedAddresses[i], value));
                }
            }

            result = _link.Read(Ade7953Register.OptimumSetting, out value);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            if (value != Ade7953Bits.OptimumSettingValue)
            {
                return _link.Fault.Set(IcStatus.ChecksumMismatch, Ade7953Register.OptimumSetting, Ade7953Bits.OptimumSettingValue, value);
            }

            result = _link.Read(Ade7953Register.Checksum, out value);
            if (result != IcStatus.Ok)
            {
                return result;
            }

            uint checksum = (uint)value;
            if (LearnChecksum && !_checksumLearned)
            {
                _expectedChecksum = checksum;
                _checksumLearned = true;
            }

            if (checksum != _expectedChecksum)
            {
                return _link.Fault.Set(IcStatus.ChecksumMismatch, Ade7953Register.Checksum, _expectedChecksum, checksum);
            }

            return IcStatus.Ok;
        }

        // The registers the driver writes and the values they must keep, and the CRC they give.
        private void BuildExpected(CalibrationRecord record)
        {
            _managedCount = 0;
            Expect(Ade7953Register.LineCycleMode, _mode == Ade7953EnergyMode.Accumulating ? 0 : Ade7953Bits.ReadWithReset);
            Expect(Ade7953Register.VoltagePga, 0);
            Expect(Ade7953Register.CurrentPgaA, 0);
            Expect(Ade7953Register.CurrentPgaB, 0);
            Expect(Ade7953Register.Config, ConfigValue);
            Expect(Ade7953Register.NoLoadDisable, 0);
            Expect(Ade7953Register.ActivePowerNoLoad, Ade7953FrontEnd.ActivePowerNoLoadValue);
            Expect(Ade7953Register.ReactivePowerNoLoad, Ade7953FrontEnd.ActivePowerNoLoadValue);
            Expect(Ade7953Register.AccumulationMode, 0);
            int voltageGain = Ade7953Calibration.ValueOf(record, Ade7953Register.VoltageGain);
            Expect(Ade7953Register.CurrentGainA, Ade7953Calibration.ValueOf(record, Ade7953Register.CurrentGainA));
            Expect(Ade7953Register.VoltageGain, voltageGain);
            Expect(Ade7953Register.VoltageGainB, voltageGain);
            Expect(Ade7953Register.ActivePowerGainA, Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerGainA));
            Expect(Ade7953Register.PhaseCalibrationA, Ade7953Calibration.ValueOf(record, Ade7953Register.PhaseCalibrationA));
            Expect(Ade7953Register.ActivePowerOffsetA, Ade7953Calibration.ValueOf(record, Ade7953Register.ActivePowerOffsetA));
            Expect(Ade7953Register.WriteProtect, Ade7953Bits.WriteProtectAll);
            if (!_checksumLearned)
            {
                _expectedChecksum = Ade7953Checksum.Expected(_managedAddresses, _managedValues, _managedCount);
            }
        }

        private void Expect(int address, int value)
        {
            _managedAddresses[_managedCount] = address;
            _managedValues[_managedCount] = Ade7953Link.Masked(address, value);
            _managedCount++;
        }

        private static long Milliwatts(int activePower)
        {
            return RoundedQuotient(EnergyDeltaDecoder.SignExtend24(activePower) * Ade7953FrontEnd.PicowattsPerActivePowerLsb, 1000000000);
        }

        // numerator / denominator (denominator > 0) rounded to the nearest integer, halves away from zero.
        private static long RoundedQuotient(long numerator, long denominator)
        {
            long half = denominator / 2;
            return numerator >= 0 ? (numerator + half) / denominator : -((half - numerator) / denominator);
        }

        private void ClearConsistency()
        {
            _hasPrevious = false;
            _unchangedReads = 0;
            _contraryReads = 0;
        }

        // Time-free plausibility: the loop reads about once a second, far slower than the register moves at 38 W
        // (207 counts a second), so an unmoving register or one running against the power is a fault. The
        // magnitude check (delta against maximum demand over elapsed time) belongs to the metrology core.
        private IcStatus CheckConsistency(int raw, long milliwatts)
        {
            int delta;
            if (_mode == Ade7953EnergyMode.ReadWithReset)
            {
                delta = EnergyDeltaDecoder.SignExtend24(raw);
            }
            else if (!_hasPrevious)
            {
                _hasPrevious = true;
                _previousRaw = raw;
                return IcStatus.Ok;
            }
            else
            {
                delta = EnergyDeltaDecoder.SignExtend24(raw - _previousRaw);
            }

            _previousRaw = raw;
            _hasPrevious = true;
            bool strong = milliwatts >= ConsistencyThresholdMilliwatts || milliwatts <= -ConsistencyThresholdMilliwatts;
            _unchangedReads = strong && delta == 0 ? _unchangedReads + 1 : 0;
            bool contrary = strong && (delta > 1 || delta < -1) && ((delta > 0) != (milliwatts > 0));
            _contraryReads = contrary ? _contraryReads + 1 : 0;
            if (_unchangedReads >= StuckReadLimit || _contraryReads >= ContraryReadLimit)
            {
                return _link.Fault.Set(IcStatus.EnergyInconsistent, Ade7953Register.ActiveEnergyA, milliwatts, delta);
            }

            return IcStatus.Ok;
        }
    }
}
