using System;
using System.Device.Gpio;

namespace AssetMeter.Firmware.Device
{
    /// <summary>An optional status LED on a plain GPIO: off while metering, blinking while the meter is stopped.</summary>
    internal sealed class StatusLed
    {
        private readonly GpioPin _pin;
        private bool _on;

        private StatusLed(GpioPin pin)
        {
            _pin = pin;
        }

        /// <summary>The LED on <paramref name="pinNumber"/>, or null if there is none (or it cannot be opened).</summary>
        public static StatusLed Open(int pinNumber)
        {
            if (pinNumber < 0)
            {
                return null;
            }

            try
            {
                GpioController controller = new GpioController();
                GpioPin pin = controller.OpenPin(pinNumber, PinMode.Output);
                pin.Write(PinValue.Low);
                return new StatusLed(pin);
            }
            catch (Exception e)
            {
                Log.Write("Status LED on GPIO " + pinNumber.ToString() + " unavailable: " + e.Message);
                return null;
            }
        }

        /// <summary>Inverts the LED.</summary>
        public void Toggle()
        {
            _on = !_on;
            _pin.Write(_on ? PinValue.High : PinValue.Low);
        }
    }
}
