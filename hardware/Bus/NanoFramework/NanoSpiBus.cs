using System;
using System.Device.Spi;

namespace AssetMeter.Hardware.Bus.NanoFramework
{
    /// <summary>
    /// An SPI device on the ESP32 under nanoFramework as an <see cref="IBusDevice"/>. Device-only: written against
    /// nanoFramework.System.Device.Spi 1.3.89 (stable), whose transfers return nothing and throw on failure.
    /// </summary>
    /// <remarks>
    /// A write-then-read is one full-duplex transfer with chip select (driven as a GPIO by nanoFramework) held: the
    /// written bytes go out, then zeros while the reply is clocked in. nanoFramework's SpiDevice takes no lock, so
    /// this adapter serialises its own calls. On ESP32 every device on a bus shares the first device's mode and
    /// clock: give the metering IC a bus of its own. A timeout surfaces as TimeoutException; anything else
    /// (plain Exception for CLR_E_FAIL, ArgumentException, OutOfMemoryException) as Failed.
    /// </remarks>
    public sealed class NanoSpiBus : IBusDevice, IDisposable
    {
        private readonly SpiDevice _device;
        private readonly object _lock = new object();
        private byte[] _transmit = new byte[16];
        private byte[] _receive = new byte[16];

        /// <summary>Wraps an open device; the adapter owns and disposes it.</summary>
        public NanoSpiBus(SpiDevice device)
        {
            if (device == null)
            {
                throw new ArgumentNullException("device");
            }

            _device = device;
        }

        /// <summary>Opens SPI bus <paramref name="busId"/> (1 or 2) with chip select on GPIO <paramref name="chipSelectPin"/>.</summary>
        public static NanoSpiBus Open(int busId, int chipSelectPin, SpiMode mode, int clockHz)
        {
            SpiConnectionSettings settings = new SpiConnectionSettings(busId, chipSelectPin);
            settings.Mode = mode;
            settings.ClockFrequency = clockHz;
            settings.DataFlow = DataFlow.MsbFirst;
            settings.Configuration = SpiBusConfiguration.FullDuplex;
            return new NanoSpiBus(new SpiDevice(settings));
        }

        /// <inheritdoc />
        public BusStatus Write(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                try
                {
                    _device.Write(new SpanByte(buffer, offset, count));
                    return BusStatus.Ok;
                }
                catch (TimeoutException)
                {
                    return BusStatus.Timeout;
                }
                catch (Exception)
                {
                    return BusStatus.Failed;
                }
            }
        }

        /// <inheritdoc />
        public BusStatus Read(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                try
                {
                    _device.Read(new SpanByte(buffer, offset, count));
                    return BusStatus.Ok;
                }
                catch (TimeoutException)
                {
                    return BusStatus.Timeout;
                }
                catch (Exception)
                {
                    return BusStatus.Failed;
                }
            }
        }

        /// <inheritdoc />
        public BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount)
        {
            lock (_lock)
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
                    _device.TransferFullDuplex(new SpanByte(_transmit, 0, total), new SpanByte(_receive, 0, total));
                }
                catch (TimeoutException)
                {
                    return BusStatus.Timeout;
                }
                catch (Exception)
                {
                    return BusStatus.Failed;
                }

                Array.Copy(_receive, writeCount, readBuffer, readOffset, readCount);
                return BusStatus.Ok;
            }
        }

        /// <summary>Releases the device.</summary>
        public void Dispose()
        {
            _device.Dispose();
        }
    }
}
