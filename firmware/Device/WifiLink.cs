using System;
using System.Device.Wifi;
using System.Net;
using System.Threading;
using AssetMeter.Firmware.Configuration;
using nanoFramework.Networking;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// Brings up Wi-Fi on a thread of its own and keeps an eye on it. Metering never waits for it: the journal keeps
    /// everything while the network is away, and the SNTP and MQTT threads simply try again later.
    /// </summary>
    /// <remarks>
    /// <para>WifiNetworkHelper.ConnectDhcp blocks until an address is obtained or its cancellation token fires;
    /// without a token it would wait for ever, so every call gets one. It stores the credentials in the device's
    /// configuration block (a flash write) and sets automatic reconnection, after which nanoFramework's ESP32
    /// firmware reconnects by itself whenever the station is disconnected (esp_wifi_connect on
    /// WIFI_EVENT_STA_DISCONNECTED). So the credentials are sent once at start-up, and again only if the network
    /// has been gone for <see cref="RejoinMilliseconds"/>, to spare the flash.</para>
    /// <para>"Up" means the interface has an IPv4 address (IPAddress.GetDefaultLocalAddress), which is what the
    /// other threads need before they try a socket.</para>
    /// </remarks>
    public sealed class WifiLink
    {
        /// <summary>How long one attempt to join may take.</summary>
        public const int JoinTimeoutMilliseconds = 60000;

        /// <summary>How long the network must have been down before the credentials are sent again: 6 hours.</summary>
        public const long RejoinMilliseconds = 6 * 3600 * 1000L;

        private const int CheckMilliseconds = 30000;

        private readonly WifiCredentials _credentials;
        private Thread _thread;

        /// <summary>A link for <paramref name="credentials"/>; nothing happens until <see cref="Start"/>.</summary>
        public WifiLink(WifiCredentials credentials)
        {
            _credentials = credentials;
        }

        /// <summary>True while the station has an IPv4 address.</summary>
        public bool IsUp
        {
            get
            {
                try
                {
                    return IPAddress.GetDefaultLocalAddress() != IPAddress.Any;
                }
                catch (Exception)
                {
                    return false;
                }
            }
        }

        /// <summary>Starts the Wi-Fi thread.</summary>
        public void Start()
        {
            _thread = new Thread(Run);
            _thread.Start();
        }

        private void Run()
        {
            long lastJoin = Environment.TickCount64;
            Join();
            long downSince = -1;
            while (true)
            {
                Thread.Sleep(CheckMilliseconds);
                long now = Environment.TickCount64;
                if (IsUp)
                {
                    if (downSince >= 0)
                    {
                        Log.Write("Wi-Fi: back, address " + IPAddress.GetDefaultLocalAddress().ToString());
                        downSince = -1;
                    }

                    continue;
                }

                if (downSince < 0)
                {
                    downSince = now;
                    Log.Write("Wi-Fi: no address; waiting for the automatic reconnection");
                }

                if (now - downSince >= RejoinMilliseconds && now - lastJoin >= RejoinMilliseconds)
                {
                    lastJoin = now;
                    Join();
                }
            }
        }

        private void Join()
        {
            Log.Write("Wi-Fi: joining '" + _credentials.Ssid + "'");
            using (CancellationTokenSource timeout = new CancellationTokenSource(JoinTimeoutMilliseconds))
            {
                bool joined = WifiNetworkHelper.ConnectDhcp(
                    _credentials.Ssid,
                    _credentials.Password,
                    WifiReconnectionKind.Automatic,
                    false,
                    0,
                    timeout.Token);
                if (joined)
                {
                    Log.Write("Wi-Fi: up, address " + IPAddress.GetDefaultLocalAddress().ToString());
                    return;
                }
            }

            Exception failure = WifiNetworkHelper.HelperException;
            Log.Write("Wi-Fi: not joined (" + StatusText(WifiNetworkHelper.Status) + (failure != null ? ": " + failure.Message : string.Empty)
                + "); the firmware keeps retrying by itself");
        }

        // Enum values print as numbers on nanoFramework, so the ones that can occur here are named explicitly.
        private static string StatusText(NetworkHelperStatus status)
        {
            switch (status)
            {
                case NetworkHelperStatus.TokenExpiredWaitingIPAddress:
                    return "no address within " + (JoinTimeoutMilliseconds / 1000).ToString() + " s: wrong credentials, network out of range, or no DHCP";
                case NetworkHelperStatus.FailedNoNetworkInterface:
                    return "no Wi-Fi interface in this firmware";
                case NetworkHelperStatus.ExceptionOccurred:
                    return "exception";
                default:
                    return "status " + ((int)status).ToString();
            }
        }
    }
}
