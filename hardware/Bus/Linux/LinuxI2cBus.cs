using System;
using System.Device.I2c;
using System.IO;

namespace AssetMeter.Hardware.Bus.Linux
{
    /// <summary>
    /// An I2C device on a Linux board (/dev/i2c-N) as an <see cref="IBusDevice"/>. Failed transfers become a
    /// status and the kernel's message is kept in <see cref="LastError"/> for the event log.
    /// </summary>
    public sealed class LinuxI2cBus : IBusDevice, IDisposable
    {
        private readonly I2cDevice _device;
        private readonly bool _ownsDevice;

        /// <summary>Wraps an open device; disposes it with the adapter when <paramref name="ownsDevice"/>.</summary>
        public LinuxI2cBus(I2cDevice device, bool ownsDevice = true)
        {
            _device = device ?? throw new ArgumentNullException(nameof(device));
            _ownsDevice = ownsDevice;
        }

        /// <summary>Opens <paramref name="address"/> (7-bit) on /dev/i2c-<paramref name="busId"/>.</summary>
        public static LinuxI2cBus Open(int busId, int address) => new(I2cDevice.Create(new I2cConnectionSettings(busId, address)));

        /// <summary>The platform's description of the last failure, or null.</summary>
        public string? LastError { get; private set; }

        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            try
            {
                _device.Write(buffer.AsSpan(offset, count));
                return Succeeded();
            }
            catch (IOException exception)
            {
                return Failed(exception);
            }
        }

        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            try
            {
                _device.Read(buffer.AsSpan(offset, count));
                return Succeeded();
            }
            catch (IOException exception)
            {
                return Failed(exception);
            }
        }

        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            try
            {
                _device.WriteRead(writeBuffer.AsSpan(writeOffset, writeCount), readBuffer.AsSpan(readOffset, readCount));
                return Succeeded();
            }
            catch (IOException exception)
            {
                return Failed(exception);
            }
        }

        public void Dispose()
        {
            if (_ownsDevice)
            {
                _device.Dispose();
            }
        }

        private BusStatus Succeeded()
        {
            LastError = null;
            return BusStatus.Ok;
        }

        private BusStatus Failed(IOException exception)
        {
            LastError = exception.Message;
            return LinuxBusErrors.Classify(exception);
        }
    }
}
