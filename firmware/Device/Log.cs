using System;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The shell's log: one line per message, prefixed with the seconds since start-up, on the device's debug
    /// output (the Visual Studio / VS Code output pane while a debugger is attached, otherwise plain text on the
    /// wire-protocol serial port).
    /// </summary>
    /// <remarks>
    /// System.Console rather than System.Diagnostics.Debug: Debug.WriteLine is [Conditional("DEBUG")] and would
    /// vanish from Release builds, and a meter in the field runs Release. Each WriteLine is one native call, so
    /// lines from different threads never interleave.
    /// </remarks>
    internal static class Log
    {
        public static void Write(string message)
        {
            long milliseconds = Environment.TickCount64;
            long fraction = milliseconds % 1000;
            string padding = fraction < 10 ? "00" : fraction < 100 ? "0" : string.Empty;
            Console.WriteLine("[" + (milliseconds / 1000).ToString() + "." + padding + fraction.ToString() + "] " + message);
        }
    }
}
