using System;
using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Diagnostics;
using System.Threading;

namespace AssetMeter.Bench.Pulse
{
    /// <summary>
    /// Counts edges on a GPIO line through the Linux character device (System.Device.Gpio, libgpiod): an opto-coupled
    /// S0 pulse output or a scanning head's open-collector output, pulled up. Edges closer together than the
    /// dead time are taken as bounce of the same pulse and not counted.
    /// </summary>
    public sealed class GpioPulseSource : IPulseSource
    {
        private readonly GpioController _controller;
        private readonly int _line;
        private readonly long _deadTicks;
        private readonly PinChangeEventHandler _handler;
        private long _count;
        private long _lastEdge = long.MinValue;

        public GpioPulseSource(int chip, int line, bool risingEdge = false, double deadTimeMilliseconds = 2.0)
        {
            _line = line;
            _deadTicks = (long)(deadTimeMilliseconds * Stopwatch.Frequency / 1000.0);
            _controller = new GpioController(new LibGpiodDriver(chip));
            _controller.OpenPin(line, PinMode.InputPullUp);
            _handler = OnEdge;
            _controller.RegisterCallbackForPinValueChangedEvent(line, risingEdge ? PinEventTypes.Rising : PinEventTypes.Falling, _handler);
            Description = $"GPIO gpiochip{chip} line {line}, {(risingEdge ? "rising" : "falling")} edges, {deadTimeMilliseconds:0.#} ms dead time";
        }

        public string Description { get; }

        public long Count => Interlocked.Read(ref _count);

        private void OnEdge(object sender, PinValueChangedEventArgs args)
        {
            long now = Stopwatch.GetTimestamp();
            if (now - _lastEdge >= _deadTicks)
            {
                _lastEdge = now;
                Interlocked.Increment(ref _count);
            }
        }

        public void Dispose()
        {
            _controller.UnregisterCallbackForPinValueChangedEvent(_line, _handler);
            _controller.Dispose();
        }
    }
}
