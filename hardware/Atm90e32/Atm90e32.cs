using System;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// Driver of the ATM90E32AS three-phase energy metering IC over SPI (mode 3, 16-bit address word with bit 15
    /// the read flag, 16-bit data word, MSB first), for the reference board in <see cref="Atm90e32ReferenceBoard"/>.
    /// </summary>
    /// <remarks>
    /// Energy comes from the all-phase-sum forward (APenergyT, import) and reverse (ANenergyT, export) registers,
    /// summed arithmetically over the phases as a polyphase meter counts. They are 16-bit, cleared by each read,
    /// 0.01 CF pulse per count, i.e. 3.125 mWh at 3200 imp/kWh. Every read is confirmed through LastSPIData and
    /// every write through LastSPIData and a read back; nothing here throws for a chip or bus fault, and the
    /// steady-state <see cref="ReadEnergy"/> allocates nothing. The driver does not own its bus (the shell
    /// disposes it) and has no clock: the shell passes an <see cref="IDriverClock"/>.
    /// </remarks>
    public sealed partial class Atm90e32 : IEnergyIc
    {
        /// <summary>Part code of the ATM90E32AS in calibration records.</summary>
        public const byte Code = 0x32;

        /// <summary>Wait after a soft reset, milliseconds (the datasheet asks for at least 5 ms).</summary>
        public const int SoftResetWaitMilliseconds = 6;

        /// <summary>PLconstH at reset, used to recognise the chip (there is no identity register).</summary>
        public const int ResetPLconstH = 0x0861;

        /// <summary>PLconstL at reset.</summary>
        public const int ResetPLconstL = 0xC468;

        /// <summary>MMode0 at reset.</summary>
        public const int ResetMMode0 = 0x0087;

        private static readonly EnergyScale CountScale = BuildScale();

        private readonly IBusDevice _bus;
        private readonly IDriverClock _clock;
        private readonly byte[] _tx = new byte[4];
        private readonly byte[] _rx = new byte[2];
        private readonly int[] _observations = new int[MaximumConfirmReads + 1];
        private readonly int[] _expected = new int[Atm90e32Crc.ProtectedCount];
        private readonly int[] _candidate = new int[Atm90e32Crc.ProtectedCount];
        private readonly EnergyConsistencyCheck _consistency;

        private CalibrationRecord _calibration;
        private IcFault _fault;
        private bool _started;
        private int _expectedDigest;
        private int _pendingForward;
        private int _pendingReverse;
        private int _recovered;

        /// <summary>
        /// Creates the driver. <paramref name="calibration"/> is the record in force (from storage), or null for
        /// the nominal calibration of the reference board; it is checked and written by <see cref="Start"/>.
        /// </summary>
        /// <exception cref="ArgumentNullException">The bus or the clock is null.</exception>
        public Atm90e32(IBusDevice bus, IDriverClock clock, CalibrationRecord calibration)
        {
            if (bus == null)
            {
                throw new ArgumentNullException("bus");
            }

            if (clock == null)
            {
                throw new ArgumentNullException("clock");
            }

            _bus = bus;
            _clock = clock;
            _calibration = calibration == null ? Atm90e32Calibration.Nominal() : calibration;
            _consistency = new EnergyConsistencyCheck(CountScale, Atm90e32ReferenceBoard.ConsistencyFloorMilliwatts);
            _fault.Register = -1;
        }

        /// <inheritdoc/>
        public string PartName
        {
            get { return "ATM90E32AS"; }
        }

        /// <inheritdoc/>
        public byte PartCode
        {
            get { return Code; }
        }

        /// <inheritdoc/>
        public int PhaseCount
        {
            get { return Atm90e32Register.PhaseCount; }
        }

        /// <inheritdoc/>
        public RegisterKind EnergyRegisterKind
        {
            get { return RegisterKind.Unsigned16ClearOnRead; }
        }

        /// <summary>3125/1 µWh per count: PL_constant / 45,000 µWh (0.01 CF pulse at 4.5e11 / PL_constant imp/kWh).</summary>
        public EnergyScale Scale
        {
            get { return CountScale; }
        }

        /// <inheritdoc/>
        public CalibrationRecord Calibration
        {
            get { return _calibration; }
        }

        /// <summary>
        /// Always false: <see cref="Start"/> takes the counts the registers hold and then resets the chip, so the
        /// clear-on-read registers always restart from zero (and carry no baseline anyway).
        /// </summary>
        public bool LastStartWasWarm
        {
            get { return false; }
        }

        /// <inheritdoc/>
        public IcFault LastFault
        {
            get { return _fault; }
        }

        /// <summary>True after a successful <see cref="Start"/> until a chip reset is found.</summary>
        public bool IsStarted
        {
            get { return _started; }
        }

        /// <summary>
        /// Transfers the driver had to repeat or recover and then completed: words outvoted through LastSPIData,
        /// writes repeated, bus failures retried. A health indicator for the event log; it only ever increases.
        /// </summary>
        public int RecoveredFaults
        {
            get { return _recovered; }
        }

        /// <summary>The CRCDigest the driver expects from what it wrote (our CRC model, see <see cref="Atm90e32Crc"/>).</summary>
        public int ExpectedDigest
        {
            get { return _expectedDigest; }
        }

        /// <summary>
        /// Soft-resets the chip (after taking the counts a running chip still holds), recognises it by its reset
        /// values, opens configuration access, writes and verifies every protected register (configuration, the
        /// calibration in force, unused calibration registers as zero) and MeterEn, closes access and checks
        /// CRCErrStatus and CRCDigest.
        /// </summary>
        /// <returns>Ok; BusError; NotResponding (reset values not found: absent or wrong chip); VerifyFailed;
        /// ChecksumMismatch; InvalidCalibration (the record in force is not usable).</returns>
        public IcStatus Start()
        {
            if (_started)
            {
                // Restarting a running chip: take what its registers hold before the soft reset clears them.
                HarvestEnergy();
            }

            _started = false;
            _consistency.Reset();
            int bad;
            if (!Atm90e32Calibration.IsValid(_calibration, out bad))
            {
                return _fault.Set(IcStatus.InvalidCalibration, bad, -1, -1);
            }

            FillExpected(_expected, _calibration);
            IcStatus status = WriteUnverified(Atm90e32Register.SoftReset, Atm90e32Register.SoftResetKey);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            // The chip answers nothing until its reset completes.
            _clock.Sleep(SoftResetWaitMilliseconds);
            status = Identify();
            if (status != IcStatus.Ok)
            {
                return status;
            }

            status = WriteVerified(Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessKey);
            for (int i = 0; status == IcStatus.Ok && i < _expected.Length; i++)
            {
                status = WriteVerified(Atm90e32Crc.ProtectedAddress(i), _expected[i]);
            }

            if (status == IcStatus.Ok)
            {
                status = WriteVerified(Atm90e32Register.MeterEn, 1);
            }

            IcStatus closed = WriteVerified(Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessClosed);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (closed != IcStatus.Ok)
            {
                return closed;
            }

            _expectedDigest = Atm90e32Crc.Compute(_expected);
            status = ConfirmConfiguration(_expected, _expectedDigest);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            _started = true;
            return IcStatus.Ok;
        }

        /// <summary>
        /// Reads the total forward and reverse energy and the total active power. Counts read from the chip are
        /// never lost to a later failure in the same call: they are kept and delivered by the next successful read.
        /// </summary>
        /// <returns>
        /// Ok (reading filled); ChipReset (the chip restarted: <see cref="EnergyReading.ChipRestarted"/> set,
        /// counts held from earlier reads delivered, call <see cref="Start"/>); EnergyInconsistent (reading
        /// filled, but the registers disagree with the power: flag the period); BusError or VerifyFailed
        /// (nothing delivered; pass the elapsed time since the last successful read to the decoder next time).
        /// </returns>
        public IcStatus ReadEnergy(EnergyReading reading)
        {
            reading.NetRaw = 0;
            reading.ForwardRaw = 0;
            reading.ReverseRaw = 0;
            reading.ChipRestarted = false;
            reading.ActivePowerMilliwatts = 0;
            if (!_started)
            {
                return _fault.Set(IcStatus.ChipReset, Atm90e32Register.MeterEn, 1, 0);
            }

            long ticks = _clock.MonotonicTicks;
            int meterEnabled;
            IcStatus status = ReadVerified(Atm90e32Register.MeterEn, out meterEnabled);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (meterEnabled != 1)
            {
                // Back at its defaults: its energy registers restarted from zero and metering is off.
                _started = false;
                _consistency.Reset();
                reading.ChipRestarted = true;
                Deliver(reading);
                return _fault.Set(IcStatus.ChipReset, Atm90e32Register.MeterEn, 1, meterEnabled);
            }

            int forward;
            status = ReadClearOnRead(Atm90e32Register.APenergyT, out forward);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            _pendingForward += forward;
            int reverse;
            status = ReadClearOnRead(Atm90e32Register.ANenergyT, out reverse);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            _pendingReverse += reverse;
            int power;
            status = ReadPowerPair(Atm90e32Register.PmeanT, Atm90e32Register.PmeanTLSB, out power);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            // PmeanT: 4 W per high-word LSB, so 4/65536 W per bit of the 32-bit pair: mW = value x 125 / 2048.
            reading.ActivePowerMilliwatts = (long)power * 125 / 2048;
            long net = (long)_pendingForward - _pendingReverse;
            Deliver(reading);
            if (!_consistency.Add(ticks, reading.ActivePowerMilliwatts, net))
            {
                return _fault.Set(IcStatus.EnergyInconsistent, Atm90e32Register.APenergyT,
                    _consistency.LastExpectedMicrowattHours, _consistency.LastActualMicrowattHours);
            }

            return IcStatus.Ok;
        }

        /// <summary>
        /// Reads (and so clears) the forward and reverse energy registers of one phase, for diagnostics. The
        /// totals used for settlement are separate registers and are not affected.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The phase is not 0, 1 or 2.</exception>
        public IcStatus ReadPhaseEnergy(int phase, out int forward, out int reverse)
        {
            Atm90e32PhaseRegisters registers = Atm90e32Register.Phase(phase);
            reverse = 0;
            IcStatus status = ReadClearOnRead(registers.ForwardActiveEnergy, out forward);
            if (status == IcStatus.Ok)
            {
                status = ReadClearOnRead(registers.ReverseActiveEnergy, out reverse);
            }

            return status;
        }

        /// <summary>Reads RMS voltage and current, active power and power factor of each phase, and the line frequency.</summary>
        /// <exception cref="ArgumentException">The values are for fewer than three phases.</exception>
        public IcStatus ReadInstantaneous(InstantaneousValues values)
        {
            if (values == null || values.PhaseCount < Atm90e32Register.PhaseCount)
            {
                throw new ArgumentException("storage for three phases is needed", "values");
            }

            IcStatus status = IcStatus.Ok;
            for (int phase = 0; status == IcStatus.Ok && phase < Atm90e32Register.PhaseCount; phase++)
            {
                Atm90e32PhaseRegisters registers = Atm90e32Register.Phase(phase);
                int urms;
                int irms;
                int pf;
                int power;
                status = ReadVerified(registers.Urms, out urms);
                if (status == IcStatus.Ok)
                {
                    status = ReadVerified(registers.Irms, out irms);
                    if (status == IcStatus.Ok)
                    {
                        status = ReadVerified(registers.PFmean, out pf);
                        if (status == IcStatus.Ok)
                        {
                            status = ReadPowerPair(registers.Pmean, registers.PmeanLsb, out power);
                            if (status == IcStatus.Ok)
                            {
                                values.VoltageMillivolts[phase] = urms * 10;
                                values.CurrentMilliamps[phase] = irms;
                                values.PowerFactorThousandths[phase] = (short)pf;

                                // 1 W per high-word LSB: 1/65536 W per bit of the pair, mW = value x 125 / 8192.
                                values.ActivePowerMilliwatts[phase] = (long)power * 125 / 8192;
                            }
                        }
                    }
                }
            }

            if (status == IcStatus.Ok)
            {
                int frequency;
                status = ReadVerified(Atm90e32Register.Freq, out frequency);
                if (status == IcStatus.Ok)
                {
                    values.FrequencyMillihertz = frequency * 10;
                }
            }

            return status;
        }

        /// <summary>
        /// Checks MeterEn (cleared: the chip reset), that configuration access is closed, CRCErrStatus, and that
        /// CRCDigest equals the digest of what the driver wrote.
        /// </summary>
        /// <returns>Ok; ChipReset; ChecksumMismatch; BusError; VerifyFailed.</returns>
        public IcStatus CheckHealth()
        {
            if (!_started)
            {
                return _fault.Set(IcStatus.ChipReset, Atm90e32Register.MeterEn, 1, 0);
            }

            int value;
            IcStatus status = ReadVerified(Atm90e32Register.MeterEn, out value);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (value != 1)
            {
                _started = false;
                _consistency.Reset();
                return _fault.Set(IcStatus.ChipReset, Atm90e32Register.MeterEn, 1, value);
            }

            status = ReadVerified(Atm90e32Register.CfgRegAccEn, out value);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (value != Atm90e32Register.ConfigAccessClosed)
            {
                return _fault.Set(IcStatus.ChecksumMismatch, Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessClosed, value);
            }

            return CheckDigest(_expectedDigest);
        }

        /// <summary>
        /// Validates <paramref name="record"/>, writes its fifteen registers inside a configuration-access window,
        /// verifies each and the resulting CRCDigest. On success it is the calibration in force. Before
        /// <see cref="Start"/> (or after a chip reset) the record is put in force and the chip started with it.
        /// </summary>
        /// <returns>Ok; InvalidCalibration (null, other part, missing register or value out of range; nothing
        /// written); BusError, VerifyFailed or ChecksumMismatch (the previous record stays in force and
        /// <see cref="CheckHealth"/> will report the chip as changed until <see cref="Start"/> is run).</returns>
        public IcStatus ApplyCalibration(CalibrationRecord record)
        {
            int bad;
            if (!Atm90e32Calibration.IsValid(record, out bad))
            {
                return _fault.Set(IcStatus.InvalidCalibration, bad, -1, -1);
            }

            if (!_started)
            {
                CalibrationRecord previous = _calibration;
                _calibration = record;
                IcStatus started = Start();
                if (started != IcStatus.Ok)
                {
                    _calibration = previous;
                }

                return started;
            }

            FillExpected(_candidate, record);
            IcStatus status = WriteVerified(Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessKey);
            for (int phase = 0; status == IcStatus.Ok && phase < Atm90e32Register.PhaseCount; phase++)
            {
                Atm90e32PhaseRegisters registers = Atm90e32Register.Phase(phase);
                status = WriteCandidate(registers.PQGain);
                if (status == IcStatus.Ok)
                {
                    status = WriteCandidate(registers.Phi);
                }

                if (status == IcStatus.Ok)
                {
                    status = WriteCandidate(registers.POffset);
                }

                if (status == IcStatus.Ok)
                {
                    status = WriteCandidate(registers.Ugain);
                }

                if (status == IcStatus.Ok)
                {
                    status = WriteCandidate(registers.Igain);
                }
            }

            IcStatus closed = WriteVerified(Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessClosed);
            if (status == IcStatus.Ok)
            {
                status = closed;
            }

            int digest = Atm90e32Crc.Compute(_candidate);
            if (status == IcStatus.Ok)
            {
                status = ConfirmConfiguration(_candidate, digest);
            }

            if (status != IcStatus.Ok)
            {
                return status;
            }

            for (int i = 0; i < _expected.Length; i++)
            {
                _expected[i] = _candidate[i];
            }

            _expectedDigest = digest;
            _calibration = record;
            return IcStatus.Ok;
        }

        /// <inheritdoc/>
        /// <exception cref="ArgumentOutOfRangeException">The phase is not 0, 1 or 2.</exception>
        public CalibrationRecord Corrected(CalibrationRecord current, int phase, CalibrationCorrection correction)
        {
            return Atm90e32Calibration.Corrected(current, phase, correction);
        }

        /// <summary>The protected register values for a calibration record, in <see cref="Atm90e32Crc"/> order.</summary>
        private static void FillExpected(int[] values, CalibrationRecord record)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = 0;
            }

            Put(values, Atm90e32Register.PLconstH, Atm90e32ReferenceBoard.PlConstant >> 16);
            Put(values, Atm90e32Register.PLconstL, Atm90e32ReferenceBoard.PlConstant);
            Put(values, Atm90e32Register.MMode0, Atm90e32ReferenceBoard.MMode0);
            Put(values, Atm90e32Register.MMode1, Atm90e32ReferenceBoard.MMode1);
            for (int address = Atm90e32Register.PStartTh; address <= Atm90e32Register.SPhaseTh; address++)
            {
                Put(values, address, Atm90e32ReferenceBoard.NoLoadThreshold);
            }

            for (int i = 0; i < record.Count; i++)
            {
                Put(values, record.AddressAt(i), record.ValueAt(i));
            }
        }

        private static void Put(int[] values, int address, int value)
        {
            values[Atm90e32Crc.IndexOf(address)] = value & 0xFFFF;
        }

        private IcStatus WriteCandidate(int address)
        {
            return WriteVerified(address, _candidate[Atm90e32Crc.IndexOf(address)]);
        }

        /// <summary>After no reset: PLconstH, PLconstL and MMode0 hold their reset values.</summary>
        private IcStatus Identify()
        {
            IcStatus status = ExpectValue(Atm90e32Register.PLconstH, ResetPLconstH);
            if (status == IcStatus.Ok)
            {
                status = ExpectValue(Atm90e32Register.PLconstL, ResetPLconstL);
            }

            if (status == IcStatus.Ok)
            {
                status = ExpectValue(Atm90e32Register.MMode0, ResetMMode0);
            }

            return status;
        }

        private IcStatus ExpectValue(int address, int expected)
        {
            int value;
            IcStatus status = ReadVerified(address, out value);
            if (status == IcStatus.VerifyFailed)
            {
                // A chip that cannot even echo its own LastSPIData is not an ATM90E32AS that works.
                return _fault.Set(IcStatus.NotResponding, address, expected, _fault.Actual);
            }

            if (status != IcStatus.Ok)
            {
                return status;
            }

            return value == expected ? IcStatus.Ok : _fault.Set(IcStatus.NotResponding, address, expected, value);
        }

        /// <summary>
        /// Checks the chip's CRC against <paramref name="digest"/>; on a mismatch (a stray write can reach a
        /// register other than the one addressed when an address bit flips) reads every protected register back,
        /// rewrites those that differ once, and checks again.
        /// </summary>
        private IcStatus ConfirmConfiguration(int[] values, int digest)
        {
            IcStatus status = CheckDigest(digest);
            if (status != IcStatus.ChecksumMismatch)
            {
                return status;
            }

            status = WriteVerified(Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessKey);
            for (int i = 0; status == IcStatus.Ok && i < values.Length; i++)
            {
                int value;
                status = ReadVerified(Atm90e32Crc.ProtectedAddress(i), out value);
                if (status == IcStatus.Ok && value != values[i])
                {
                    status = WriteVerified(Atm90e32Crc.ProtectedAddress(i), values[i]);
                }
            }

            IcStatus closed = WriteVerified(Atm90e32Register.CfgRegAccEn, Atm90e32Register.ConfigAccessClosed);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            return closed != IcStatus.Ok ? closed : CheckDigest(digest);
        }

        private IcStatus CheckDigest(int digest)
        {
            int value;
            IcStatus status = ReadVerified(Atm90e32Register.CRCErrStatus, out value);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            if (value != 0)
            {
                return _fault.Set(IcStatus.ChecksumMismatch, Atm90e32Register.CRCErrStatus, 0, value);
            }

            status = ReadVerified(Atm90e32Register.CRCDigest, out value);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            return value == digest ? IcStatus.Ok : _fault.Set(IcStatus.ChecksumMismatch, Atm90e32Register.CRCDigest, digest, value);
        }

        /// <summary>Moves the counts in the total energy registers into the held counts (best effort: a failure loses only what it logs).</summary>
        private void HarvestEnergy()
        {
            int counts;
            if (ReadClearOnRead(Atm90e32Register.APenergyT, out counts) == IcStatus.Ok)
            {
                _pendingForward += counts;
            }

            if (ReadClearOnRead(Atm90e32Register.ANenergyT, out counts) == IcStatus.Ok)
            {
                _pendingReverse += counts;
            }
        }

        /// <summary>Hands the held counts to the reading; a register delta never exceeds 16 bits, the rest waits.</summary>
        private void Deliver(EnergyReading reading)
        {
            reading.ForwardRaw = _pendingForward > 0xFFFF ? 0xFFFF : _pendingForward;
            reading.ReverseRaw = _pendingReverse > 0xFFFF ? 0xFFFF : _pendingReverse;
            _pendingForward -= reading.ForwardRaw;
            _pendingReverse -= reading.ReverseRaw;
        }

        private static EnergyScale BuildScale()
        {
            // µWh per count = Wh per pulse / 100 x 1e6 = (1000 / MC) x 1e4 = PL_constant / 45,000.
            long numerator = Atm90e32ReferenceBoard.PlConstant;
            long denominator = 45000;
            long a = numerator;
            long b = denominator;
            while (b != 0)
            {
                long t = a % b;
                a = b;
                b = t;
            }

            return new EnergyScale(numerator / a, denominator / a);
        }
    }
}
