using System;
using System.Device.I2c;

namespace AssetMeter.Hardware.Bus.NanoFramework
{
    /// <summary>
    /// An I2C device on the ESP32 under nanoFramework as an <see cref="IBusDevice"/>. Device-only: written against
    /// nanoFramework.System.Device.I2c 1.1.29 (stable), where transfers report through I2cTransferResult and
    /// buffers are SpanByte slices of our arrays (no copy, no allocation).
    /// </summary>
    /// <remarks>
    /// Configure the pins first (nanoFramework.Hardware.Esp32.Configuration.SetPinFunction, see hardware/boards):
    /// the ESP32-S3 has no default I2C pins. ReadByte is deliberately not used: it discards the transfer status,
    /// so a NACK would read as 0x00. On ESP32 a NACK comes back as SlaveAddressNotAcknowledged, a stretched clock
    /// as ClockStretchTimeout; other ESP-IDF errors are thrown (InvalidOperationException), which we turn into
    /// Failed. A stuck bus blocks the interpreter for up to 1 s per call (ESP-IDF timeout).
    /// </remarks>
    public sealed class NanoI2cBus : IBusDevice, IDisposable
    {
        private readonly I2cDevice _device;

        /// <summary>Wraps an open device; the adapter owns and disposes it.</summary>
        public NanoI2cBus(I2cDevice device)
        {
            if (device == null)
            {
                throw new ArgumentNullException("device");
            }

            _device = device;
        }

        /// <summary>Opens 7-bit <paramref name="address"/> on I2C bus <paramref name="busId"/> (1 or 2) at <paramref name="speed"/>.</summary>
        public static NanoI2cBus Open(int busId, int address, I2cBusSpeed speed)
        {
            return new NanoI2cBus(new I2cDevice(new I2cConnectionSettings(busId, address, speed)));
        }

        /// <inheritdoc />
        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            try
            {
                return Map(_device.Write(new SpanByte(buffer, offset, count)), count);
            }
            catch (Exception)
            {
                return BusStatus.Failed;
            }
        }

        /// <inheritdoc />
        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return Map(_device.Read(new SpanByte(buffer, offset, count)), count);
            }
            catch (Exception)
            {
                return BusStatus.Failed;
            }
        }

        /// <inheritdoc />
        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            try
            {
                I2cTransferResult result = _device.WriteRead(new SpanByte(writeBuffer, writeOffset, writeCount), new SpanByte(readBuffer, readOffset, readCount));
                return Map(result, writeCount + readCount);
            }
            catch (Exception)
            {
                return BusStatus.Failed;
            }
        }

        /// <summary>Releases the device (the bus driver is removed with its last device).</summary>
        public void Dispose()
        {
            _device.Dispose();
        }

        private static BusStatus Map(I2cTransferResult result, int expectedBytes)
        {
            switch (result.Status)
            {
                case I2cTransferStatus.FullTransfer:
                    return result.BytesTransferred == (uint)expectedBytes ? BusStatus.Ok : BusStatus.Failed;
                case I2cTransferStatus.SlaveAddressNotAcknowledged:
                    return BusStatus.NotAcknowledged;
                case I2cTransferStatus.ClockStretchTimeout:
                    return BusStatus.Timeout;
                default:
                    return BusStatus.Failed;
            }
        }
    }
}
