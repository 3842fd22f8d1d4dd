using System;
using System.Collections.Generic;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>Kinds of fault an emulated bus or chip can be told to produce.</summary>
    public enum InjectedFault
    {
        /// <summary>One bit of the data read back is flipped on the wire.</summary>
        ReadBitFlip,

        /// <summary>One bit of the data written is flipped on the wire (the chip stores the wrong value).</summary>
        WriteBitFlip,

        /// <summary>The device does not acknowledge (I2C) or the transfer fails (SPI).</summary>
        Nack,

        /// <summary>The chip resets by itself.</summary>
        ChipReset,

        /// <summary>A register keeps returning the same value whatever happens.</summary>
        StuckRegister,
    }

    /// <summary>
    /// Which faults to inject and when, and a log of what was injected, so a test can check that every
    /// injected fault was detected. Bus faults are keyed by transaction number (1-based), chip faults by time.
    /// </summary>
    public sealed class FaultPlan
    {
        private readonly Dictionary<long, (InjectedFault Fault, int Bit)> _byTransaction = new();
        private readonly List<(InjectedFault Fault, long Transaction, double Time, string Detail)> _injected = new();

        /// <summary>A plan that injects nothing.</summary>
        public static FaultPlan None => new();

        /// <summary>Chance per read transaction of one flipped bit (0 to 1), on top of the scheduled faults.</summary>
        public double ReadBitFlipProbability { get; init; }

        /// <summary>Chance per transaction of a NACK.</summary>
        public double NackProbability { get; init; }

        /// <summary>Seed for the random faults.</summary>
        public int Seed { get; init; } = 7;

        /// <summary>Schedules a fault on bus transaction <paramref name="transaction"/> (bit: which bit of the data, for flips).</summary>
        public FaultPlan At(long transaction, InjectedFault fault, int bit = 0)
        {
            _byTransaction[transaction] = (fault, bit);
            return this;
        }

        /// <summary>The scheduled fault for a transaction, if any.</summary>
        public bool TryScheduled(long transaction, out InjectedFault fault, out int bit)
        {
            if (_byTransaction.TryGetValue(transaction, out var scheduled))
            {
                fault = scheduled.Fault;
                bit = scheduled.Bit;
                return true;
            }

            fault = default;
            bit = 0;
            return false;
        }

        /// <summary>Records that a fault was injected.</summary>
        public void Log(InjectedFault fault, long transaction, double time, string detail) => _injected.Add((fault, transaction, time, detail));

        /// <summary>Every fault injected so far.</summary>
        public IReadOnlyList<(InjectedFault Fault, long Transaction, double Time, string Detail)> Injected => _injected;
    }
}
