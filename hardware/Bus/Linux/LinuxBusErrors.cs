using System.IO;

namespace AssetMeter.Hardware.Bus.Linux
{
    /// <summary>
    /// Turns the IOException System.Device.Gpio throws for a failed transfer into a <see cref="BusStatus"/>.
    /// Its Linux devices report the kernel's errno in the message ("Error 121 performing I2C data transfer.").
    /// </summary>
    internal static class LinuxBusErrors
    {
        // ENXIO (6) and EREMOTEIO (121): no ACK from the address. ETIMEDOUT (110): bus or clock-stretch timeout.
        public static BusStatus Classify(IOException exception)
        {
            string message = exception.Message;
            if (message.Contains("Error 6 ") || message.Contains("Error 121 "))
            {
                return BusStatus.NotAcknowledged;
            }

            if (message.Contains("Error 110 "))
            {
                return BusStatus.Timeout;
            }

            return BusStatus.Failed;
        }
    }
}
