using System;
using System.Device.Spi;
using System.IO;

namespace AssetMeter.Hardware.Bus.Linux
{
    /// <summary>
    /// An SPI device on a Linux board (/dev/spidevB.C) as an <see cref="IBusDevice"/>. A write-then-read is one
    /// full-duplex transfer with chip select held: the written bytes go out first, then zeros while the reply is
    /// clocked in, and only the reply part is handed back.
    /// </summary>
    public sealed class LinuxSpiBus : IBusDevice, IDisposable
    {
        private readonly SpiDevice _device;
        private readonly bool _ownsDevice;
        private byte[] _transmit = new byte[16];
        private byte[] _receive = new byte[16];

        public LinuxSpiBus(SpiDevice device, bool ownsDevice = true)
        {
            _device = device ?? throw new ArgumentNullException(nameof(device));
            _ownsDevice = ownsDevice;
        }

        /// <summary>Opens chip select <paramref name="chipSelect"/> on SPI bus <paramref name="busId"/>.</summary>
        public static LinuxSpiBus Open(int busId, int chipSelect, SpiMode mode, int clockHz) =>
            new(SpiDevice.Create(new SpiConnectionSettings(busId, chipSelect) { Mode = mode, ClockFrequency = clockHz }));

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
            int total = writeCount + readCount;
            if (_transmit.Length < total)
            {
                _transmit = new byte[total];
                _receive = new byte[total];
            }

            Array.Copy(writeBuffer, writeOffset, _transmit, 0, writeCount);
            Array.Clear(_transmit, writeCount, readCount);
            try
            {
                _device.TransferFullDuplex(_transmit.AsSpan(0, total), _receive.AsSpan(0, total));
            }
            catch (IOException exception)
            {
                return Failed(exception);
            }

            Array.Copy(_receive, writeCount, readBuffer, readOffset, readCount);
            return Succeeded();
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
