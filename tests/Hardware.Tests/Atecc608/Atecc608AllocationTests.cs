using System;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests
{
    using AssetMeter.Hardware.Atecc608;

    /// <summary>
    /// The signing path allocates nothing after construction. Measured against a replaying chip that itself allocates
    /// nothing (the emulator allocates inside .NET's ECDsa, which would hide the driver's own allocations).
    /// </summary>
    [TestClass]
    public class Atecc608AllocationTests
    {
        [TestMethod]
        public void Signing_and_verifying_allocate_nothing_after_warm_up()
        {
            var chip = new ReplayingChip();
            var driver = new Atecc608(chip, chip, chip);
            var digest = new byte[32];
            var signature = new byte[64];
            var publicKey = new byte[64];
            for (int i = 0; i < 5; i++)
            {
                Assert.AreEqual(Atecc608Status.Ok, driver.Sign(0, digest, 0, signature, 0));
                Assert.AreEqual(Atecc608Status.Ok, driver.Verify(digest, 0, signature, 0, publicKey, 0));
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                digest[0] = (byte)i;
                driver.Sign(0, digest, 0, signature, 0);
                driver.Verify(digest, 0, signature, 0, publicKey, 0);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.AreEqual(0L, allocated);
            Assert.AreEqual(Atecc608Status.Ok, driver.LastStatus);
            CollectionAssert.AreEqual(chip.Signature, signature);
            Assert.AreEqual(205 * 5, chip.Commands, "Random, Nonce, Sign, then Nonce, Verify, per round");
        }

        /// <summary>Answers the wake and each command with a prepared, correctly framed response.</summary>
        private sealed class ReplayingChip : IBusDevice, IAtecc608Wake, IDriverClock
        {
            private readonly byte[] _wake = { 0x04, 0x11, 0x33, 0x43 };
            private readonly byte[] _ok = { 0x04, 0x00, 0x03, 0x40 };
            private readonly byte[] _random = new byte[35];
            private readonly byte[] _signature = new byte[67];
            private byte[] _output;
            private int _read;

            public ReplayingChip()
            {
                _random[0] = 35;
                Atecc608Crc.Append(_random, 0, 33);
                _signature[0] = 67;
                for (int i = 1; i < 65; i++)
                {
                    _signature[i] = (byte)i;
                }

                Atecc608Crc.Append(_signature, 0, 65);
                Signature = new byte[64];
                Array.Copy(_signature, 1, Signature, 0, 64);
                _output = _wake;
            }

            public byte[] Signature { get; }

            public int Commands { get; private set; }

            public long MonotonicTicks => 0;

            public void Sleep(int milliseconds)
            {
            }

            public BusStatus SendWakePulse()
            {
                _output = _wake;
                _read = 0;
                return BusStatus.Ok;
            }

            public BusStatus Write(byte[] buffer, int offset, int count)
            {
                if (buffer[offset] == 0x03)
                {
                    Commands++;
                    byte opcode = buffer[offset + 2];
                    _output = opcode == 0x1B ? _random : opcode == 0x41 ? _signature : _ok;
                    _read = 0;
                }

                return BusStatus.Ok;
            }

            public BusStatus Read(byte[] buffer, int offset, int count)
            {
                Array.Copy(_output, _read, buffer, offset, count);
                _read += count;
                return BusStatus.Ok;
            }

            public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount) =>
                BusStatus.Failed;
        }
    }
}
