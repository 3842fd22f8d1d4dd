using System;
using System.Collections.Generic;
using System.Device.I2c;
using System.Device.Spi;
using System.IO;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Bus.Linux;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests.Linux
{
    /// <summary>
    /// The Linux adapters over System.Device.Gpio's abstract devices: framing, and kernel errors turned into
    /// statuses. (No /dev/i2c or /dev/spidev exists on the build machines; the devices here are fakes.)
    /// </summary>
    [TestClass]
    public class LinuxBusTests
    {
        [TestMethod]
        [DataRow("Error 121 performing I2C data transfer.", BusStatus.NotAcknowledged)]
        [DataRow("Error 6 performing I2C data transfer.", BusStatus.NotAcknowledged)]
        [DataRow("Error 110 performing I2C data transfer.", BusStatus.Timeout)]
        [DataRow("Error 5 performing I2C data transfer.", BusStatus.Failed)]
        public void Kernel_errors_become_statuses_and_are_kept_for_the_log(string message, BusStatus expected)
        {
            var device = new FakeI2cDevice { FailWith = new IOException(message) };
            using var bus = new LinuxI2cBus(device);
            var buffer = new byte[2];
            Assert.AreEqual(expected, bus.WriteRead(new byte[] { 0x01, 0x02 }, 0, 2, buffer, 0, 2));
            Assert.AreEqual(message, bus.LastError);

            device.FailWith = null;
            Assert.AreEqual(BusStatus.Ok, bus.Write(new byte[] { 9 }, 0, 1));
            Assert.IsNull(bus.LastError);
        }

        [TestMethod]
        public void I2c_write_read_passes_the_slices_it_was_given()
        {
            var device = new FakeI2cDevice { Reply = new byte[] { 0xAB, 0xCD, 0xEF } };
            using var bus = new LinuxI2cBus(device);
            var write = new byte[] { 0xFF, 0x03, 0x1E, 0xFF };
            var read = new byte[6];
            Assert.AreEqual(BusStatus.Ok, bus.WriteRead(write, 1, 2, read, 2, 3));
            CollectionAssert.AreEqual(new byte[] { 0x03, 0x1E }, device.Written[0]);
            CollectionAssert.AreEqual(new byte[] { 0, 0, 0xAB, 0xCD, 0xEF, 0 }, read);
        }

        [TestMethod]
        public void Spi_write_read_is_one_full_duplex_transfer_returning_the_bytes_after_the_written_ones()
        {
            var device = new FakeSpiDevice();
            using var bus = new LinuxSpiBus(device);
            var read = new byte[2];
            Assert.AreEqual(BusStatus.Ok, bus.WriteRead(new byte[] { 0x80, 0x78 }, 0, 2, read, 0, 2));
            Assert.AreEqual(1, device.Transfers.Count);
            CollectionAssert.AreEqual(new byte[] { 0x80, 0x78, 0x00, 0x00 }, device.Transfers[0]);

            // The fake answers each byte with its position: the reply is what came back during bytes 2 and 3.
            CollectionAssert.AreEqual(new byte[] { 2, 3 }, read);
        }

        [TestMethod]
        public void Spi_failure_leaves_the_read_buffer_untouched()
        {
            var device = new FakeSpiDevice { FailWith = new IOException("Error 5 performing SPI data transfer.") };
            using var bus = new LinuxSpiBus(device);
            var read = new byte[] { 7, 7 };
            Assert.AreEqual(BusStatus.Failed, bus.WriteRead(new byte[] { 0x80, 0x78 }, 0, 2, read, 0, 2));
            CollectionAssert.AreEqual(new byte[] { 7, 7 }, read);
        }

        private sealed class FakeI2cDevice : I2cDevice
        {
            public IOException? FailWith { get; set; }

            public byte[] Reply { get; set; } = Array.Empty<byte>();

            public List<byte[]> Written { get; } = new();

            public override I2cConnectionSettings ConnectionSettings { get; } = new(1, 0x38);

            public override byte ReadByte() => throw new NotSupportedException();

            public override void Read(Span<byte> buffer)
            {
                Fail();
                Reply.AsSpan(0, buffer.Length).CopyTo(buffer);
            }

            public override void WriteByte(byte value) => Write(new[] { value });

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                Fail();
                Written.Add(buffer.ToArray());
            }

            public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
            {
                Write(writeBuffer);
                Read(readBuffer);
            }

            private void Fail()
            {
                if (FailWith != null)
                {
                    throw FailWith;
                }
            }
        }

        private sealed class FakeSpiDevice : SpiDevice
        {
            public IOException? FailWith { get; set; }

            public List<byte[]> Transfers { get; } = new();

            public override SpiConnectionSettings ConnectionSettings { get; } = new(1, 0);

            public override byte ReadByte() => throw new NotSupportedException();

            public override void Read(Span<byte> buffer) => throw new NotSupportedException();

            public override void WriteByte(byte value) => throw new NotSupportedException();

            public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException();

            public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
            {
                if (FailWith != null)
                {
                    throw FailWith;
                }

                Transfers.Add(writeBuffer.ToArray());
                for (int i = 0; i < readBuffer.Length; i++)
                {
                    readBuffer[i] = (byte)i;
                }
            }
        }
    }
}
