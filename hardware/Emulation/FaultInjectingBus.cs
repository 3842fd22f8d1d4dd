using System;
using AssetMeter.Hardware.Bus;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// Sits between a driver and an emulated chip and damages transactions as a <see cref="FaultPlan"/> says:
    /// bit flips on the wire in either direction, and NACKs. Chip-level faults (resets, stuck registers) are
    /// the emulator's own.
    /// </summary>
    public sealed class FaultInjectingBus : IBusDevice
    {
        private readonly IBusDevice _chip;
        private readonly FaultPlan _plan;
        private readonly Func<double> _clock;
        private readonly Random _random;

        public FaultInjectingBus(IBusDevice chip, FaultPlan plan, Func<double> clock)
        {
            _chip = chip;
            _plan = plan;
            _clock = clock;
            _random = new Random(plan.Seed);
        }

        /// <summary>Transactions seen so far.</summary>
        public long Transactions { get; private set; }

        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            var fault = Next(out int bit);
            if (fault == InjectedFault.Nack)
            {
                return BusStatus.NotAcknowledged;
            }

            if (fault == InjectedFault.WriteBitFlip && count > 0)
            {
                // Corrupt a copy: the driver's own buffer must stay as the driver wrote it.
                var damaged = new byte[count];
                Array.Copy(buffer, offset, damaged, 0, count);
                Flip(damaged, 0, count, bit, InjectedFault.WriteBitFlip);
                return _chip.Write(damaged, 0, count);
            }

            return _chip.Write(buffer, offset, count);
        }

        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            var fault = Next(out int bit);
            if (fault == InjectedFault.Nack)
            {
                return BusStatus.NotAcknowledged;
            }

            var status = _chip.Read(buffer, offset, count);
            if (status == BusStatus.Ok && fault == InjectedFault.ReadBitFlip && count > 0)
            {
                Flip(buffer, offset, count, bit, InjectedFault.ReadBitFlip);
            }

            return status;
        }

        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            var fault = Next(out int bit);
            if (fault == InjectedFault.Nack)
            {
                return BusStatus.NotAcknowledged;
            }

            var status = _chip.WriteRead(writeBuffer, writeOffset, writeCount, readBuffer, readOffset, readCount);
            if (status == BusStatus.Ok && fault == InjectedFault.ReadBitFlip && readCount > 0)
            {
                Flip(readBuffer, readOffset, readCount, bit, InjectedFault.ReadBitFlip);
            }

            return status;
        }

        private InjectedFault? Next(out int bit)
        {
            Transactions++;
            if (_plan.TryScheduled(Transactions, out var scheduled, out bit))
            {
                if (scheduled == InjectedFault.Nack)
                {
                    _plan.Log(InjectedFault.Nack, Transactions, _clock(), "NACK");
                }

                return scheduled;
            }

            bit = _random.Next(0, 64);
            if (_plan.NackProbability > 0 && _random.NextDouble() < _plan.NackProbability)
            {
                _plan.Log(InjectedFault.Nack, Transactions, _clock(), "NACK");
                return InjectedFault.Nack;
            }

            if (_plan.ReadBitFlipProbability > 0 && _random.NextDouble() < _plan.ReadBitFlipProbability)
            {
                return InjectedFault.ReadBitFlip;
            }

            return null;
        }

        private void Flip(byte[] buffer, int offset, int count, int bit, InjectedFault fault)
        {
            int index = offset + ((bit / 8) % count);
            buffer[index] ^= (byte)(1 << (bit % 8));
            _plan.Log(fault, Transactions, _clock(), $"byte {index - offset} bit {bit % 8}");
        }
    }
}
