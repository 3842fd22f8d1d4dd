using System;
using System.Collections.Generic;
using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;
using Driver = AssetMeter.Hardware.Atm90e32.Atm90e32;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    /// <summary>One SPI frame as the chip saw it.</summary>
    internal readonly record struct Frame(long Transaction, bool IsRead, int Address, int Data);

    /// <summary>
    /// Sits between the fault-injecting bus and the chip and records the frames that reach the chip, numbered
    /// with the fault bus's transaction count, so a test can aim a fault at a given transfer.
    /// </summary>
    internal sealed class SpyBus : IBusDevice
    {
        private readonly IBusDevice _chip;
        private readonly Func<long> _transaction;

        public SpyBus(IBusDevice chip, Func<long> transaction)
        {
            _chip = chip;
            _transaction = transaction;
        }

        public List<Frame> Frames { get; } = new();

        public bool Recording { get; set; }

        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            var status = _chip.Write(buffer, offset, count);
            if (Recording && count >= 4)
            {
                int word = (buffer[offset] << 8) | buffer[offset + 1];
                Frames.Add(new Frame(_transaction(), (word & 0x8000) != 0, word & 0x3FF, (buffer[offset + 2] << 8) | buffer[offset + 3]));
            }

            return status;
        }

        public BusStatus Read(byte[] buffer, int offset, int count) => _chip.Read(buffer, offset, count);

        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            var status = _chip.WriteRead(writeBuffer, writeOffset, writeCount, readBuffer, readOffset, readCount);
            if (Recording && writeCount >= 2 && readCount >= 2)
            {
                int word = (writeBuffer[writeOffset] << 8) | writeBuffer[writeOffset + 1];
                Frames.Add(new Frame(_transaction(), (word & 0x8000) != 0, word & 0x3FF, (readBuffer[readOffset] << 8) | readBuffer[readOffset + 1]));
            }

            return status;
        }
    }

    /// <summary>
    /// A meter on the bench: load scenario, emulated chip, fault-injecting bus, a spy, the driver, and the
    /// metrology core reading every second as the firmware does (decoder and cumulative import/export registers).
    /// </summary>
    internal sealed class Atm90e32Bench
    {
        private long _elapsedTicks;

        public Atm90e32Bench(MetrologyErrorModel[]? errors = null, FaultPlan? plan = null, int seed = 1, Func<IBusDevice, IBusDevice>? wrap = null)
        {
            Scenario = new LoadScenario(3);
            Plan = plan ?? new FaultPlan();
            Chip = new Atm90e32Emulator(Scenario, errors ?? new[] { MetrologyErrorModel.Ideal, MetrologyErrorModel.Ideal, MetrologyErrorModel.Ideal }, seed, Plan);
            FaultBus = new FaultInjectingBus(new SpyingChip(this), Plan, () => Chip.Now);
            Spy = new SpyBus(Chip, () => FaultBus.Transactions);
            Clock = new EmulatorDriverClock(Chip);
            Driver = new Driver(wrap == null ? FaultBus : wrap(FaultBus), Clock, null);
            Decoder = new EnergyDeltaDecoder(Driver.EnergyRegisterKind, Driver.Scale, EnergyDeltaDecoder.Type5MaximumDemandWatts);
            Import = new EnergyRegister(Driver.Scale, 0);
            Export = new EnergyRegister(Driver.Scale, 0);
        }

        public LoadScenario Scenario { get; }

        public FaultPlan Plan { get; }

        public Atm90e32Emulator Chip { get; }

        public FaultInjectingBus FaultBus { get; }

        public SpyBus Spy { get; }

        public EmulatorDriverClock Clock { get; }

        public Driver Driver { get; }

        public EnergyDeltaDecoder Decoder { get; }

        public EnergyRegister Import { get; }

        public EnergyRegister Export { get; }

        public EnergyReading Reading { get; } = new();

        /// <summary>Restart the driver when a read reports a chip reset (what the metrology loop does).</summary>
        public bool RestartOnReset { get; set; } = true;

        /// <summary>Every status ReadEnergy returned.</summary>
        public List<IcStatus> Statuses { get; } = new();

        /// <summary>Decoded deltas that were not Accepted.</summary>
        public List<DeltaStatus> Refused { get; } = new();

        /// <summary>True import energy, µWh (what a perfect reference meter saw).</summary>
        public double TrueImportMicrowattHours => Chip.TrueImportWattHours * 1e6;

        /// <summary>True export energy, µWh.</summary>
        public double TrueExportMicrowattHours => Chip.TrueExportWattHours * 1e6;

        /// <summary>True energy (import, export) when the last read that delivered counts completed.</summary>
        public (double Import, double Export) TrueAtLastDelivery { get; private set; }

        /// <summary>One count, µWh.</summary>
        public double CountMicrowattHours => Driver.Scale.MicrowattHoursPerCountNumerator / (double)Driver.Scale.MicrowattHoursPerCountDenominator;

        /// <summary>Every phase carries <paramref name="load"/> from now on.</summary>
        public void Load(PhaseLoad load) => Scenario.From(Chip.Now, load);

        /// <summary>The phases carry <paramref name="loads"/> from now on.</summary>
        public void Load(PhaseLoad[] loads) => Scenario.From(Chip.Now, loads);

        public IcStatus Start()
        {
            var status = Driver.Start();
            _elapsedTicks = 0;
            return status;
        }

        /// <summary>Advances the chip and reads the energy once, as the metrology loop does every second.</summary>
        public IcStatus Step(double seconds = 1.0)
        {
            Chip.Advance(seconds);
            _elapsedTicks += (long)Math.Round(seconds * 10_000_000.0);
            var status = Driver.ReadEnergy(Reading);
            Statuses.Add(status);
            if (status == IcStatus.Ok || status == IcStatus.EnergyInconsistent || status == IcStatus.ChipReset)
            {
                var delta = Decoder.DecodeUnsigned16Pair(Reading.ForwardRaw, Reading.ReverseRaw, _elapsedTicks);
                Import.AddCounts(delta.ImportCounts);
                Export.AddCounts(delta.ExportCounts);
                if (delta.Status != DeltaStatus.Accepted)
                {
                    Refused.Add(delta.Status);
                }

                _elapsedTicks = 0;
                TrueAtLastDelivery = (TrueImportMicrowattHours, TrueExportMicrowattHours);
            }

            if (status == IcStatus.ChipReset && RestartOnReset)
            {
                Driver.Start();
            }

            return status;
        }

        /// <summary>Reads once a second for <paramref name="seconds"/> seconds.</summary>
        public void Run(int seconds)
        {
            for (int i = 0; i < seconds; i++)
            {
                Step();
            }
        }

        /// <summary>
        /// The offset, from the fault bus's current transaction count, of the <paramref name="occurrence"/>-th frame
        /// addressing <paramref name="address"/> during <paramref name="operation"/>, learned on a twin bench
        /// (the driver is deterministic, so a clean run numbers the frames as the faulty one will).
        /// </summary>
        public static long OffsetOf(Action<Atm90e32Bench> prepare, Func<Atm90e32Bench, IcStatus> operation, bool isRead, int address, int occurrence = 1)
        {
            var twin = new Atm90e32Bench();
            prepare(twin);
            long before = twin.FaultBus.Transactions;
            twin.Spy.Frames.Clear();
            twin.Spy.Recording = true;
            operation(twin);
            int seen = 0;
            foreach (var frame in twin.Spy.Frames)
            {
                if (frame.IsRead == isRead && frame.Address == address && ++seen == occurrence)
                {
                    return frame.Transaction - before;
                }
            }

            throw new InvalidOperationException("the operation has no such frame");
        }

        /// <summary>Passes frames to the spy (and so to the chip).</summary>
        private sealed class SpyingChip : IBusDevice
        {
            private readonly Atm90e32Bench _bench;

            public SpyingChip(Atm90e32Bench bench) => _bench = bench;

            public BusStatus Write(byte[] buffer, int offset, int count) => _bench.Spy.Write(buffer, offset, count);

            public BusStatus Read(byte[] buffer, int offset, int count) => _bench.Spy.Read(buffer, offset, count);

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) =>
                _bench.Spy.WriteRead(writeBuffer, writeOffset, writeCount, readBuffer, readOffset, readCount);
        }
    }
}
